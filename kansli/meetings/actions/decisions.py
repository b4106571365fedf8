"""The decisions in the minutes (beslut): the decision in each §, postponing
(bordläggning) or referring back (återremiss), and conflicts of interest (jäv); motions,
votes and dissent are in kansli.meetings.actions.votes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.audit.chain import record
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.actions.approval import require_open
from kansli.meetings.actions.immediate import require_paragraph_open
from kansli.meetings.actions.presence import step_down
from kansli.meetings.models import (
    AppealRoute,
    Conflict,
    Meeting,
    Minutes,
    Outcome,
    Paragraph,
)
from kansli.meetings.permissions import require_secretary

TEXT_MAX = 100_000  # as the API's texts (kansli.inputs.LongText)


@transaction.atomic
def do_record_decision(
    paragraph: Paragraph,
    *,
    decision: str,
    outcome: str = Outcome.DECIDED,
    reasons: str = "",
    note: str = "",
    later: Meeting | None = None,
    appeal_route: str = AppealRoute.LEGALITY,
    actor: Any,
) -> Paragraph:
    """The decision in a §. A postponed (bordlagt) or referred-back (återremitterat)
    item is put on the agenda of `later`, a later meeting of the same body. The appeal
    route of a decision (laglighetsprövning, förvaltningsbesvär or none) decides the
    appeal instructions in its extract (FL 33 §); its reasons (FL 32 §) are printed
    under it."""
    minutes = paragraph.minutes
    require_secretary(actor, minutes.meeting.body)
    require_open(minutes)
    require_paragraph_open(paragraph)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Välj beslutat, bordlagt, återremitterat eller noterat."})
    if appeal_route not in AppealRoute.values:
        raise ValidationError(
            {"appeal_route": "Välj laglighetsprövning, förvaltningsbesvär eller ej överklagbart."}
        )
    if outcome == Outcome.DECIDED and not decision.strip():
        raise ValidationError({"decision": "Skriv beslutet."})
    texts = {"decision": decision, "reasons": reasons, "note": note}
    if too_long := [name for name, text in texts.items() if len(text.strip()) > TEXT_MAX]:
        raise ValidationError(
            {name: f"Texten får vara högst {TEXT_MAX} tecken." for name in too_long}
        )
    moving = outcome in (Outcome.POSTPONED, Outcome.REFERRED_BACK)
    if moving and (
        later is None
        or later.body_id != minutes.meeting.body_id
        or later.starts_at <= minutes.meeting.starts_at
    ):
        raise ValidationError({"later": "Välj ett senare sammanträde i samma organ."})
    before = {
        "decision": paragraph.decision,
        "reasons": paragraph.reasons,
        "outcome": paragraph.outcome,
        "appeal_route": paragraph.appeal_route,
    }
    paragraph.decision, paragraph.outcome, paragraph.note = decision.strip(), outcome, note.strip()
    paragraph.reasons, paragraph.appeal_route = reasons.strip(), appeal_route
    paragraph.save(update_fields=["decision", "reasons", "outcome", "note", "appeal_route"])
    item = paragraph.item
    # Saved again (a corrected text, say): the case is on the later agenda already.
    if (
        moving
        and later is not None
        and item.case is not None
        and not later.items.filter(case=item.case).exists()
    ):
        do_preregister_item(
            later,
            item.case,
            title=item.title,
            proposal=item.proposal,
            report=item.report,
            attachments=list(item.attachments.all()),
            section=item.section,
            actor=actor,
        )
    record(
        actor=actor,
        action="meetings.record_decision",
        obj=paragraph,
        label=str(paragraph),
        before=before,
        after={
            "decision": paragraph.decision,
            "reasons": paragraph.reasons,
            "outcome": outcome,
            "appeal_route": appeal_route,
            "later": str(later) if later else None,
        },
    )
    return paragraph


@transaction.atomic
def do_record_decisions(
    minutes: Minutes, changes: dict[Paragraph, dict[str, Any]], *, actor: Any
) -> int:
    """The decisions of the whole meeting from one form: each changed § as
    do_record_decision does it. A § refused refuses them all, its number in the
    message, and nothing is saved. Returns how many § changed."""
    require_secretary(actor, minutes.meeting.body)
    require_open(minutes)
    for paragraph, values in changes.items():
        if paragraph.minutes_id != minutes.pk:
            raise ValidationError("Paragrafen hör inte till protokollet.")
        try:
            do_record_decision(paragraph, **values, actor=actor)
        except ValidationError as error:
            raise ValidationError(f"§ {paragraph.number}: {' '.join(error.messages)}") from error
    return len(changes)


@transaction.atomic
def do_record_conflict(paragraph: Paragraph, user: Any, *, actor: Any) -> Conflict:
    """Jäv: the member takes no part in the § (KL 6 kap. 28 §)."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    require_open(paragraph.minutes)
    require_paragraph_open(paragraph)
    if paragraph.ballots.filter(user=user).exists():
        raise ValidationError("Ledamoten har redan röstat i paragrafen; ta bort rösten först.")
    conflict, _created = Conflict.objects.get_or_create(paragraph=paragraph, user=user)
    step_down(paragraph, user)
    record(
        actor=actor,
        action="meetings.record_conflict",
        obj=paragraph,
        label=str(paragraph),
        after={"user": user.pk},
    )
    return conflict
