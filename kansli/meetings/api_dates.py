"""A meeting's end and cancelling in the API (kansli.meetings.actions.meeting_dates):
the body's secretary records when the meeting ends or cancels it with a reason. Another
authority's meeting answers 404, as a missing one; the actions refuse bad input (422)
and anyone but the secretary (403)."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from kansli.inputs import FIRST_DAY, LAST_DAY, Id, LongText
from kansli.meetings import actions
from kansli.meetings.meeting_time import span
from kansli.meetings.models import Meeting
from kansli.org.api import ERRORS, ApiRequest

router = Router(tags=["meetings"])


def _moment(moment: datetime.datetime) -> datetime.datetime:
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise ValueError("Tiden ska ligga mellan år 1900 och 2200.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


Moment = Annotated[datetime.datetime, AfterValidator(_moment)]


class EndIn(Schema):
    ends_at: Moment = Field(description="When the meeting ends; a later day for several days.")


class CancelIn(Schema):
    reason: LongText = Field(description="Why, shown to the public as written.")


class MeetingTimeOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    time: str = Field(description="The time as the notice gives it.")
    cancelled_at: datetime.datetime | None
    cancellation_reason: str


def _meeting(request: ApiRequest, meeting_id: int) -> Meeting:
    found = Meeting.objects.visible_to(request.auth).filter(pk=meeting_id)
    meeting = found.select_related("body__authority").first()
    if meeting is None:
        raise Http404
    return meeting


def _out(meeting: Meeting) -> MeetingTimeOut:
    return MeetingTimeOut(
        id=meeting.pk,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        time=span(meeting),
        cancelled_at=meeting.cancelled_at,
        cancellation_reason=meeting.cancellation_reason,
    )


@router.put(
    "/meetings/{meeting_id}/end",
    response={200: MeetingTimeOut, **ERRORS},
    summary="Record the meeting's end",
)
def close_meeting(request: ApiRequest, meeting_id: Id, payload: EndIn) -> MeetingTimeOut:
    """The end time: after the start, at most a week after it; the minutes are
    approved after it."""
    meeting = _meeting(request, meeting_id)
    return _out(actions.do_close_meeting(meeting, payload.ends_at, actor=request.auth))


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingTimeOut, **ERRORS},
    summary="Cancel the meeting",
)
def cancel_meeting(request: ApiRequest, meeting_id: Id, payload: CancelIn) -> MeetingTimeOut:
    """Inställt sammanträde, before the minutes are begun; the members are e-mailed."""
    meeting = _meeting(request, meeting_id)
    return _out(actions.do_cancel_meeting(meeting, payload.reason, actor=request.auth))
