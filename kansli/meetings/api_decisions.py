"""The decision record of a § in the API (FL 31–33 §§): read it as the § page shows it
(decision, reasons, who decided and presided, appeal route and instructions, when each
recipient was notified, appeal received, legal force) and record it as the secretary does
on the § page. A § is read by the body's staff who may read its item (404 for anyone
else, as for a missing one); the action checks who may change it (403) and refuses bad
input (422, the Swedish reason in the JSON). Texts are masked for the caller as on the
page: a protected identity the caller may not know stays hidden (OSL 21 kap. 3 §)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema

from kansli.access.protected import NOTHING, hide_for
from kansli.inputs import Id, LongText
from kansli.meetings import actions, appeal
from kansli.meetings.models import AppealRoute, Meeting, Outcome, Paragraph
from kansli.meetings.protected_text import NAMES_PROTECTED
from kansli.org.api import ERRORS, ApiRequest

router = Router(tags=["decisions"])


class ParagraphDecisionIn(Schema):
    outcome: Outcome = Outcome.DECIDED
    decision: LongText = ""
    reasons: LongText = Field("", description="Beslutsmotivering (FL 32 §).")
    note: LongText = Field("", description="Protokollsanteckning.")
    appeal_route: AppealRoute = AppealRoute.LEGALITY
    later_meeting_id: Id | None = Field(
        None, description="The later meeting of a postponed or referred-back item."
    )


class NotifiedOut(Schema):
    method: str = Field(description="e-post or brev.")
    notified_on: datetime.date | None = Field(description="Null until a letter's delivery.")


class ParagraphDecisionOut(Schema):
    paragraph: int = Field(description="The § number.")
    meeting_id: int
    decided_on: datetime.date = Field(description="The day of the meeting.")
    decided_by: str = Field(description="The body.")
    presiding: str | None
    outcome: Outcome
    decision: str
    reasons: str
    note: str
    appeal_route: AppealRoute = Field(description="The route as the decision is recorded.")
    appeal_instructions: list[str] = Field(description="As printed in the minutes extract.")
    notified: list[NotifiedOut]
    appealed_on: datetime.date | None
    legal_force: datetime.date | None = Field(description="Laga kraft, if no appeal comes in.")


def _paragraph(request: ApiRequest, paragraph_id: int) -> Paragraph:
    """A § of a body the caller works with, whose item the caller reads in full."""
    found = (
        Paragraph.objects.visible_to(request.auth)
        .filter(pk=paragraph_id)
        .select_related("minutes__meeting__body__authority__municipality", "item__case")
        .select_related("presiding", "notice", "minutes__notice")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _out(request: ApiRequest, paragraph: Paragraph) -> ParagraphDecisionOut:
    case = paragraph.item.case
    hide = NOTHING if case is None else hide_for(request.auth, case)
    meeting = paragraph.minutes.meeting
    presiding = paragraph.presiding
    return ParagraphDecisionOut(
        paragraph=paragraph.number,
        meeting_id=meeting.pk,
        decided_on=meeting.day,
        decided_by=str(meeting.body),
        presiding=presiding.get_full_name() or presiding.username if presiding else None,
        outcome=Outcome(paragraph.outcome),
        decision=hide(paragraph.decision),
        reasons=hide(paragraph.reasons),
        note=hide(paragraph.note),
        appeal_route=AppealRoute(paragraph.appeal_route),
        appeal_instructions=appeal.instructions(paragraph),
        # Recipients are not named: a party may have a protected identity.
        notified=[
            NotifiedOut(method=e.method, notified_on=e.notified_on)
            for e in paragraph.expeditions.order_by("sent_at", "pk")
        ],
        appealed_on=paragraph.appealed_on,
        legal_force=appeal.legal_force(paragraph),
    )


@router.get(
    "/paragraphs/{paragraph_id}/decision",
    response={200: ParagraphDecisionOut, **ERRORS},
    summary="The decision record of a §",
)
def decision_read(request: ApiRequest, paragraph_id: Id) -> ParagraphDecisionOut:
    return _out(request, _paragraph(request, paragraph_id))


@router.put(
    "/paragraphs/{paragraph_id}/decision",
    response={200: ParagraphDecisionOut, **ERRORS},
    summary="Record the decision of a §",
)
def decision_record(
    request: ApiRequest, paragraph_id: Id, payload: ParagraphDecisionIn
) -> ParagraphDecisionOut:
    """As the secretary on the § page: every field is replaced, so send the reasons and
    the note again when only the decision changes."""
    paragraph = _paragraph(request, paragraph_id)
    texts = _kept(request, paragraph, payload)
    later = None
    if payload.later_meeting_id is not None:
        later = Meeting.objects.filter(
            pk=payload.later_meeting_id, body_id=paragraph.body_id
        ).first()
        if later is None:
            raise ValidationError({"later": "Välj ett senare sammanträde i samma organ."})
    actions.do_record_decision(
        paragraph,
        outcome=payload.outcome,
        later=later,
        appeal_route=payload.appeal_route,
        actor=request.auth,
        **texts,
    )
    return _out(request, _paragraph(request, paragraph.pk))


def _kept(
    request: ApiRequest, paragraph: Paragraph, payload: ParagraphDecisionIn
) -> dict[str, str]:
    """The texts to record. One naming a protected identity the caller may not know
    was read masked: sent back as read, the stored text is kept; changed, it is refused,
    as the § page shows it read-only (OSL 21 kap. 3 §)."""
    case = paragraph.item.case
    hide = NOTHING if case is None else hide_for(request.auth, case)
    texts = {}
    for name in ("decision", "reasons", "note"):
        stored, sent = getattr(paragraph, name), getattr(payload, name)
        if hide(stored) == stored or sent == stored:
            texts[name] = sent
        elif sent.strip() == hide(stored).strip():
            texts[name] = stored
        else:
            raise ValidationError({name: str(NAMES_PROTECTED)})
    return texts
