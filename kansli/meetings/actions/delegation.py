"""Delegated decisions (delegation): the board's delegation order (delegationsordning),
decisions taken under it, and their report to the board (anmälan av delegationsbeslut)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.models import (
    AgendaItem,
    Body,
    DelegatedDecision,
    DelegationPoint,
    Meeting,
    Section,
)
from kansli.meetings.permissions import require_preparing, require_secretary
from kansli.org.models import Authority
from kansli.org.permissions import require_sysadmin
from kansli.registry import actions as registry
from kansli.registry.models import Case, Direction
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
    actor: Any,
) -> DelegationPoint:
    """A point of the board's delegation order (delegationsordning)."""
    require_sysadmin(actor)
    errors = {
        k: "Fyll i."
        for k, v in [("code", code), ("title", title), ("delegate", delegate)]
        if not v.strip()
    }
    if DelegationPoint.objects.filter(authority=authority, code=code.strip()).exists():
        errors["code"] = f"Punkt {code.strip()} finns redan i {authority.code}s delegationsordning."
    if errors:
        raise ValidationError(errors)
    point = DelegationPoint.objects.create(
        authority=authority,
        code=code.strip(),
        title=title.strip(),
        delegate=delegate.strip(),
        reported=reported,
    )
    record(
        actor=actor,
        action="meetings.add_delegation_point",
        obj=point,
        label=str(point),
        after={"delegate": point.delegate, "reported": reported},
    )
    return point


@transaction.atomic
def do_register_delegated_decision(
    point: DelegationPoint, case: Case, summary: str, *, decided_on: datetime.date, actor: Any
) -> DelegatedDecision:
    """Register a decision taken under a point, as a document drawn up in its case. A
    decision under a point that is not reported goes on the notice board at once."""
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
    if errors:
        raise ValidationError(errors)
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        decided_on,
        f"Delegationsbeslut {point.code}: {summary.strip()}",
        document_type="Delegationsbeslut",
        inherited=case_markings(case),
        actor=actor,
    )
    decision = DelegatedDecision(
        point=point,
        document=document,
        decided_on=decided_on,
        decided_by=actor,
        summary=summary.strip(),
    )
    if not point.reported:  # KL 8 kap. 9–13 §: announced instead of reported
        decision.posted_on = timezone.localdate()
        decision.appeal_ends = legal_deadline(decision.posted_on, weeks=3)  # KL 13 kap. 5 §
    decision.save()
    record(
        actor=actor,
        action="meetings.register_delegated_decision",
        obj=decision,
        label=document.document_number,
        after={"point": point.code, "posted_on": str(decision.posted_on or "")},
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
        ).select_related("point", "document__case__authority")
    )
    if not waiting:
        raise ValidationError("Det finns inga delegationsbeslut att anmäla.")
    # The decision becomes the minutes' text, which is published: a secrecy-marked
    # decision is reported by its document number only (OSL 5 kap. 5 §).
    lines = [
        f"{d.point.code} "
        + (f"{d.document.document_number} (sekretess)" if d.document.secrecy_id else d.summary)
        + f" ({d.decided_on:%Y-%m-%d})"
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
