"""Delegated decisions in the API: register a decision under a point of the delegation
order for its delegate (as an e-service or the delegate's own system would), and post
an unreported one on the notice board. Points, cases and decisions of authorities the
caller does not work with answer as missing ones; the actions check the rest (403, and
422 for a decision outside its point)."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.access.protected import hide_for
from kansli.access.rules import may_read
from kansli.inputs import Day, Id, Title
from kansli.meetings import actions
from kansli.meetings.actions.delegation import do_post_delegated_decision
from kansli.meetings.models import DelegatedDecision, DelegationPoint
from kansli.meetings.views.common import staff_bodies
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import User
from kansli.registry.models import Case

router = Router(tags=["delegation"])


class DecisionIn(Schema):
    point_id: Id
    case_id: Id
    summary: Title
    decided_on: Day
    decided_by_id: Id = Field(description="The delegate, or a substitute, who decided.")
    substitute_for_id: Id | None = Field(None, description="Whom a substitute decided for.")
    amount: decimal.Decimal | None = Field(None, max_digits=14, decimal_places=2)


class DecisionOut(Schema):
    id: int
    point: str
    document_number: str
    decided_on: datetime.date
    decided_by: str
    substitute_for: str | None
    registered_by: str | None
    amount: decimal.Decimal | None
    summary: str | None = Field(description="None when the caller may not read it.")
    posted_on: datetime.date | None
    appeal_ends: datetime.date | None


def _out(user: User, decision: DelegatedDecision) -> DecisionOut:
    def name(person: User | None) -> str | None:
        return None if person is None else str(person)

    return DecisionOut(
        id=decision.pk,
        point=decision.point.code,
        document_number=decision.document.document_number,
        decided_on=decision.decided_on,
        decided_by=str(decision.decided_by),
        substitute_for=name(decision.substitute_for),
        registered_by=name(decision.registered_by),
        amount=decision.amount,
        summary=hide_for(user, decision.document.case)(decision.summary)  # OSL 21 kap. 3 §
        if may_read(user, decision.document)
        else None,
        posted_on=decision.posted_on,
        appeal_ends=decision.appeal_ends,
    )


def _authorities(user: User) -> list[int]:
    return [body.authority_id for body in staff_bodies(user).filter(committee=None)]


@router.post(
    "/delegation/decisions",
    response={201: DecisionOut, **ERRORS},
    summary="Register a delegated decision",
)
def register_delegated_decision(request: ApiRequest, payload: DecisionIn) -> Status[DecisionOut]:
    """A decision taken under a point, registered as a document in its case for the
    delegate who took it; refused whole when it falls outside the point."""
    user = request.auth
    point = (
        DelegationPoint.objects.filter(pk=payload.point_id, authority__in=_authorities(user))
        .select_related("authority")
        .first()
    )
    if point is None:
        raise ValidationError({"point_id": "Punkten finns inte i delegationsordningen."})
    cases = Case.objects.visible_to(user).filter(authority=point.authority)
    case = cases.filter(pk=payload.case_id).first()
    if case is None:
        raise ValidationError({"case_id": f"Ärendet finns inte i {point.authority.code}."})
    # Only the point's delegates can be named: another person's id says nothing here.
    people = {d.user_id: d.user for d in point.delegates.select_related("user")}
    if payload.decided_by_id not in people:
        raise ValidationError(
            {"decided_by_id": f"Personen är inte delegat för punkt {point.code}."}
        )
    if payload.substitute_for_id is not None and payload.substitute_for_id not in people:
        raise ValidationError(
            {"substitute_for_id": f"Personen är inte delegat för punkt {point.code}."}
        )
    decision = actions.do_register_delegated_decision(
        point,
        case,
        payload.summary,
        decided_on=payload.decided_on,
        decided_by=people[payload.decided_by_id],
        substitute_for=people.get(payload.substitute_for_id or 0),
        amount=payload.amount,
        actor=user,
    )
    return Status(201, _out(user, decision))


@router.post(
    "/delegation/decisions/{decision_id}/post",
    response={200: DecisionOut, **ERRORS},
    summary="Post a delegated decision on the notice board",
)
def post_delegated_decision(request: ApiRequest, decision_id: Id) -> DecisionOut:
    """Posting starts the appeal period of an unreported decision appealed by
    laglighetsprövning (KL 13 kap. 5 §); the others are refused with the reason."""
    user = request.auth
    decision = DelegatedDecision.objects.filter(
        pk=decision_id, point__authority__in=_authorities(user)
    ).first()
    if decision is None:
        raise Http404
    posted = do_post_delegated_decision(decision, actor=user)
    return _out(user, posted)
