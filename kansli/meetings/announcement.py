"""The kungörelse of a council meeting: fullmäktige's meeting is announced on the
notice board at least one week before the meeting day, with its time, place and
matters (KL 5 kap. 11 §). Kansli announces it when the notice is sent; a notice sent
later than that is a late announcement, which the secretary is warned of and the
audit log records."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from kansli.meetings.models import Meeting
from kansli.org.models import Authority

WEEK = datetime.timedelta(days=7)
LATE = gettext_noop(
    "The council meeting is announced less than a week before its day: the announcement "
    "should have been on the notice board by %(day)s (KL 5 kap. 11 §)."
)


def is_council(meeting: Meeting) -> bool:
    """A meeting of fullmäktige itself (not of one of its committees)."""
    body = meeting.body
    return body.committee_id is None and body.authority.kind == Authority.Kind.COUNCIL


def announce_by(meeting: Meeting) -> datetime.date:
    """The last day the announcement may go up: a week before the meeting day."""
    return meeting.day - WEEK


def announced_on(meeting: Meeting) -> datetime.date | None:
    """The day the announcement went up on the notice board: the notice's first day."""
    if meeting.dispatched_at is None:
        return None
    return timezone.localdate(meeting.dispatched_at)


def announced_late(meeting: Meeting) -> bool:
    """A council meeting announced less than a week before its day."""
    day = announced_on(meeting)
    return is_council(meeting) and day is not None and day > announce_by(meeting)
