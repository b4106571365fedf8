"""Delegated decisions (delegation): the board's delegation order (delegationsordning),
decisions taken under it, and their report to the board (anmälan av delegationsbeslut)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.models import (
    AgendaItem,
    AppealRoute,
    Body,
    Delegate,
    DelegatedDecision,
    DelegationPoint,
    Meeting,
    Section,
)
from kansli.meetings.permissions import require_preparing, require_secretary
from kansli.org.models import Authority, Role, User
from kansli.org.permissions import require_sysadmin
from kansli.public.record import masks_for_cases, scrub
from kansli.registry import actions as registry
from kansli.registry.models import Case, Classification, Direction
from kansli.registry.permissions import require_role
from kansli.registry.secrecy import case_markings
from kansli.workdays.calendar import legal_deadline


@transaction.atomic
def do_add_delegation_point(
    authority: Authority,
    code: str,
    title: str,
    delegate: str,
    *,
    reported: bool = True,
    delegates: Sequence[User] = (),
    classifications: Iterable[Classification] = (),
    max_amount: decimal.Decimal | None = None,
    appeal_route: str = AppealRoute.LEGALITY,
    actor: Any,
) -> DelegationPoint:
    """A point of the board's delegation order (delegationsordning, KL 6 kap. 37 §):
    `delegate` is the office named in it (Socialsekreterare), `delegates` the people
    holding it, the delegate first and then the substitutes in order, and the limits:
    the classes of matter (none: any) and the highest amount."""
    require_sysadmin(actor)
    classes = list(classifications)
    errors = {
        k: "Fyll i."
        for k, v in [("code", code), ("title", title), ("delegate", delegate)]
        if not v.strip()
    }
    if DelegationPoint.objects.filter(authority=authority, code=code.strip()).exists():
        errors["code"] = f"Punkt {code.strip()} finns redan i {authority.code}s delegationsordning."
    if any(c.authority_id != authority.pk for c in classes):
        errors["classifications"] = f"Välj klasser ur {authority.code}s klassificeringsstruktur."
    if max_amount is not None and max_amount <= 0:
        errors["max_amount"] = "Beloppsgränsen måste vara större än noll."
    if appeal_route not in AppealRoute.values:
        errors["appeal_route"] = "Välj hur besluten överklagas."
    errors |= _delegate_errors(delegates)
    if errors:
        raise ValidationError(errors)
    point = DelegationPoint.objects.create(
        authority=authority,
        code=code.strip(),
        title=title.strip(),
        delegate=delegate.strip(),
        reported=reported,
        max_amount=max_amount,
        appeal_route=appeal_route,
    )
    point.classifications.set(classes)
    _store_delegates(point, delegates)
    record(
        actor=actor,
        action="meetings.add_delegation_point",
        obj=point,
        label=str(point),
        after={
            "delegate": point.delegate,
            "reported": reported,
            "delegates": [str(u) for u in delegates],
            "classifications": [c.code for c in classes],
            "max_amount": str(max_amount or ""),
            "appeal_route": appeal_route,
        },
    )
    return point


def _delegate_errors(users: Sequence[User]) -> dict[str, str]:
    if len({u.pk for u in users}) != len(users):
        return {"delegates": "Samma person kan bara stå en gång i turordningen."}
    return {}


def _store_delegates(point: DelegationPoint, users: Sequence[User]) -> None:
    point.delegates.all().delete()
    Delegate.objects.bulk_create(
        Delegate(point=point, user=user, rank=rank) for rank, user in enumerate(users, 1)
    )


@transaction.atomic
def do_set_delegates(point: DelegationPoint, users: Sequence[User], *, actor: Any) -> None:
    """Who holds the point now: the delegate and the substitutes in order. Decisions
    already taken keep who took them."""
    require_sysadmin(actor)
    errors = _delegate_errors(users)
    if not users:
        errors["delegates"] = "Ange minst en delegat."
    if errors:
        raise ValidationError(errors)
    before = [str(d.user) for d in point.delegates.select_related("user")]
    _store_delegates(point, users)
    record(
        actor=actor,
        action="meetings.set_delegates",
        obj=point,
        label=str(point),
        before={"delegates": before},
        after={"delegates": [str(u) for u in users]},
    )


def _outside_point(
    point: DelegationPoint,
    case: Case,
    decided_by: User | None,
    substitute_for: User | None,
    amount: decimal.Decimal | None,
) -> dict[str, str]:
    """What makes a decision fall outside its point (KL 6 kap. 37 §, 7 kap. 5 §): a
    decider not in the point's order, a substitute deciding without saying for whom,
    a matter of another class, an amount over the limit."""
    errors: dict[str, str] = {}
    ranks = {d.user_id: d.rank for d in point.delegates.all()}
    if decided_by is None:
        errors["decided_by"] = "Ange vem som fattade beslutet."
    elif decided_by.pk not in ranks:
        errors["decided_by"] = f"{decided_by} är inte delegat för punkt {point.code}."
    elif substitute_for is None and ranks[decided_by.pk] != 1:
        errors["substitute_for"] = (
            f"{decided_by} är ersättare för punkt {point.code}: ange vem hen ersatte."
        )
    elif substitute_for is not None and ranks.get(substitute_for.pk, 99) >= ranks[decided_by.pk]:
        errors["substitute_for"] = (
            f"{decided_by} är inte ersättare för {substitute_for} enligt punkt {point.code}."
        )
    classes = list(point.classifications.all())
    if classes and case.classification_id not in {c.pk for c in classes}:
        named = ", ".join(str(c) for c in classes)
        errors["case"] = f"Punkt {point.code} gäller bara ärenden i klass {named}."
    if amount is not None and amount < 0:
        errors["amount"] = "Beloppet kan inte vara negativt."
    elif point.max_amount is not None and amount is None:
        errors["amount"] = f"Punkt {point.code} har en beloppsgräns: ange beslutets belopp."
    elif point.max_amount is not None and amount is not None and amount > point.max_amount:
        errors["amount"] = (
            f"{_kr(amount)} är mer än punkt {point.code} tillåter ({_kr(point.max_amount)})."
        )
    return errors


def _kr(amount: decimal.Decimal) -> str:
    return f"{amount:,.0f} kr".replace(",", "\u00a0")


@transaction.atomic
def do_register_delegated_decision(
    point: DelegationPoint,
    case: Case,
    summary: str,
    *,
    decided_on: datetime.date,
    decided_by: User | None,
    amount: decimal.Decimal | None = None,
    substitute_for: User | None = None,
    actor: Any,
) -> DelegatedDecision:
    """Register a decision the delegate (or a substitute in their place) took under a
    point, as a document drawn up in its case. The delegate registers it, or a
    registrar on their behalf. A decision outside the point is refused whole."""
    if actor is not None and (decided_by is None or actor.pk != decided_by.pk):
        require_role(
            actor, point.authority, [Role.REGISTRAR], "registrera andras delegationsbeslut"
        )
    body = Body.objects.filter(authority=point.authority, committee=None).first()
    if body is not None:
        require_preparing(actor, body)
    errors: dict[str, str] = {}
    if case.authority_id != point.authority_id:
        errors["case"] = f"Ärendet hör inte till {point.authority.code}."
    if not summary.strip():
        errors["summary"] = "Skriv kort vad som beslutades."
    if decided_on > timezone.localdate():
        errors["decided_on"] = "Beslutsdagen kan inte ligga i framtiden."
    errors = _outside_point(point, case, decided_by, substitute_for, amount) | errors
    if errors:
        raise ValidationError(errors)
    # The case shows who decided, whoever typed it in.
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        decided_on,
        f"Delegationsbeslut {point.code} ({decided_by}): {summary.strip()}",
        document_type="Delegationsbeslut",
        inherited=case_markings(case),
        actor=actor,
    )
    decision = DelegatedDecision.objects.create(
        point=point,
        document=document,
        decided_on=decided_on,
        decided_by=decided_by,
        substitute_for=substitute_for,
        registered_by=actor,
        amount=amount,
        summary=summary.strip(),
    )
    record(
        actor=actor,
        action="meetings.register_delegated_decision",
        obj=decision,
        label=document.document_number,
        after={
            "point": point.code,
            "decided_by": str(decided_by),
            "substitute_for": str(substitute_for or ""),
            "amount": str(amount or ""),
        },
    )
    return decision


@transaction.atomic
def do_post_delegated_decision(decision: DelegatedDecision, *, actor: Any) -> DelegatedDecision:
    """Announce a decision that is not reported to the board on the notice board (KL 8
    kap. 12 §), so that its appeal period of three weeks runs (KL 13 kap. 5 §). A
    secrecy-marked one is announced by its number and point only (OSL 5 kap. 5 §)."""
    decision = DelegatedDecision.objects.select_for_update().get(pk=decision.pk)
    point = decision.point
    require_role(
        actor, point.authority, [Role.SECRETARY, Role.REGISTRAR], "anslå delegationsbeslut"
    )
    if decision.posted_on is not None:
        raise ValidationError(f"Beslutet anslogs redan {decision.posted_on:%Y-%m-%d}.")
    if point.appeal_route == AppealRoute.ADMINISTRATIVE:  # FL 44 §
        raise ValidationError(
            "Beslutet överklagas genom förvaltningsbesvär; överklagandetiden räknas från "
            "den dag parten fick del av beslutet. Det anslås inte."
        )
    if point.appeal_route == AppealRoute.NONE:
        raise ValidationError(
            f"Beslut enligt punkt {point.code} kan inte överklagas och anslås inte."
        )
    if point.reported:
        raise ValidationError(
            "Beslutet anmäls till nämnden; överklagandetiden räknas från anslaget om "
            "justeringen av det protokollet."
        )
    if decision.document.voided_at is not None:
        raise ValidationError("Handlingen är makulerad och anslås inte.")
    decision.posted_on = timezone.localdate()
    decision.appeal_ends = legal_deadline(decision.posted_on, weeks=3)  # KL 13 kap. 5 §
    decision.save(update_fields=["posted_on", "appeal_ends"])
    record(
        actor=actor,
        action="meetings.post_delegated_decision",
        obj=decision,
        label=decision.document.document_number,
        after={"posted_on": str(decision.posted_on), "appeal_ends": str(decision.appeal_ends)},
    )
    return decision


@transaction.atomic
def do_report_delegated_decisions(
    meeting: Meeting, case: Case, *, at: datetime.datetime | None = None, actor: Any
) -> AgendaItem:
    """Put the decisions not yet reported on the meeting's agenda as one item
    (anmälan av delegationsbeslut, KL 6 kap. 40 §), in the case the board keeps for
    such reports. Only the system may give an earlier time (`at`)."""
    require_secretary(actor, meeting.body)
    waiting = list(
        DelegatedDecision.objects.filter(
            point__authority=meeting.body.authority, point__reported=True, reported_in=None
        ).select_related("point", "decided_by", "document__case__authority")
    )
    if not waiting:
        raise ValidationError("Det finns inga delegationsbeslut att anmäla.")
    # The decision becomes the minutes' text, which is published: a secrecy-marked
    # decision is reported by its document number only (OSL 5 kap. 5 §), another with
    # the protected and (by policy) private names of its own case scrubbed, as on the
    # notice board (OSL 21 kap. 3 §): the report's case does not know them.
    masks = masks_for_cases(d.document.case for d in waiting)
    lines = [
        f"{d.point.code} "
        + (
            f"{d.document.document_number} (sekretess)"
            if d.document.secrecy_id
            else scrub(d.summary, masks[d.document.case_id])
        )
        + f" ({d.decided_by or d.point.delegate} {d.decided_on:%Y-%m-%d})"
        for d in waiting
    ]
    item = do_preregister_item(
        meeting,
        case,
        title="Anmälan av delegationsbeslut",
        section=Section.DELEGATION,
        proposal="Nämnden lägger anmälan av delegationsbesluten till handlingarna.\n"
        + "\n".join(lines),
        at=at,
        actor=actor,
    )
    # Exactly those listed: one registered meanwhile waits for the next report.
    count = DelegatedDecision.objects.filter(pk__in=[d.pk for d in waiting]).update(
        reported_in=item
    )
    record(
        actor=actor,
        action="meetings.report_delegated_decisions",
        obj=item,
        label=str(meeting),
        after={"decisions": count},
    )
    return item
