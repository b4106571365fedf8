"""Omedelbar justering and förhinder in the API. The secretary puts a § up for
immediate approval and reads where its signing stands (the signatures themselves need
the second factor of a signed-in session, which an API key does not have); an elected
member reports förhinder for a coming meeting and withdraws it. Anyone who may not see
the § or is not elected to the body gets 404, as for a missing one; the actions refuse
the rest (403, 422)."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.access.rules import position_in
from kansli.inputs import Id
from kansli.meetings.actions.absence import do_report_absence, do_withdraw_absence
from kansli.meetings.actions.immediate import do_mark_immediate_approval, paragraph_approvers
from kansli.meetings.models import Absence, Meeting, Paragraph
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import User

router = Router(tags=["meetings"])


class ImmediateOut(Schema):
    paragraph: int = Field(description="The § number.")
    marked_at: datetime.datetime | None = Field(description="Put up for immediate approval.")
    approved_at: datetime.datetime | None
    signed_by: list[str]
    waiting_for: list[str]
    posted_on: datetime.date | None = Field(description="The § notice's day on the board.")
    appeal_ends: datetime.date | None


class AbsenceOut(Schema):
    meeting: int
    reported_at: datetime.datetime
    substitute: str | None = Field(description="The substitute called; null if none is left.")


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _paragraph(request: ApiRequest, paragraph_id: int) -> Paragraph:
    """A § of a body the caller works with, whose item the caller reads in full."""
    found = (
        Paragraph.objects.visible_to(request.auth)
        .filter(pk=paragraph_id)
        .select_related("minutes__meeting__body__authority", "item")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _immediate(paragraph: Paragraph) -> ImmediateOut:
    signed = {a.user_id: a.user for a in paragraph.immediate_approvals.select_related("user")}
    waiting = User.objects.filter(pk__in=paragraph_approvers(paragraph) - set(signed))
    notice = getattr(paragraph, "notice", None)
    return ImmediateOut(
        paragraph=paragraph.number,
        marked_at=paragraph.immediate_at,
        approved_at=paragraph.approved_at,
        signed_by=[_name(user) for user in signed.values()],
        waiting_for=[] if paragraph.approved_at else [_name(user) for user in waiting],
        posted_on=notice.posted_on if notice else None,
        appeal_ends=notice.appeal_ends if notice else None,
    )


@router.get(
    "/paragraphs/{paragraph_id}/immediate-approval",
    response={200: ImmediateOut, **ERRORS},
    summary="Immediate approval of a §",
)
def immediate_status(request: ApiRequest, paragraph_id: Id) -> ImmediateOut:
    return _immediate(_paragraph(request, paragraph_id))


@router.post(
    "/paragraphs/{paragraph_id}/immediate-approval",
    response={200: ImmediateOut, **ERRORS},
    summary="Put a § up for immediate approval",
)
def immediate_mark(request: ApiRequest, paragraph_id: Id) -> ImmediateOut:
    """The body decided that the § is approved at once (KL 5 kap. 70 §): the chair and
    the approvers then sign it in Kansli, with their one-time code."""
    marked = do_mark_immediate_approval(_paragraph(request, paragraph_id), actor=request.auth)
    return _immediate(marked)


def _elected_meeting(request: ApiRequest, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.select_related("body__authority").filter(pk=meeting_id).first()
    if meeting is None or not position_in(request.auth, meeting.body):  # today, as the portal
        raise Http404
    return meeting


def _absence(absence: Absence) -> AbsenceOut:
    substitute = absence.substitute
    return AbsenceOut(
        meeting=absence.meeting_id,
        reported_at=absence.reported_at,
        substitute=_name(substitute) if substitute else None,
    )


@router.post(
    "/meetings/{meeting_id}/absence",
    response={201: AbsenceOut, **ERRORS},
    summary="Report that I cannot attend",
)
def absence_report(request: ApiRequest, meeting_id: Id) -> Status[AbsenceOut]:
    """Förhinder: the next substitute in order is called and the secretary told."""
    meeting = _elected_meeting(request, meeting_id)
    return Status(201, _absence(do_report_absence(meeting, actor=request.auth)))


@router.delete(
    "/meetings/{meeting_id}/absence",
    response={204: None, **ERRORS},
    summary="Withdraw my absence",
)
def absence_withdraw(request: ApiRequest, meeting_id: Id) -> Status[None]:
    do_withdraw_absence(_elected_meeting(request, meeting_id), actor=request.auth)
    return Status(204, None)
