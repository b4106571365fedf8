"""The time limit for approving the minutes: within fourteen days after the meeting
(KL 5 kap. 69 § for fullmäktige; KL 6 kap. 35 § applies it to the nämnder)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kansli.meetings.meeting_time import last_day
from kansli.meetings.models import Meeting

APPROVAL_DAYS = 14


def approval_deadline(meeting: Meeting) -> datetime.date:
    """The last day the minutes may be approved: the fourteenth day after the meeting,
    counted from its last day when it ran over several."""
    return last_day(meeting) + datetime.timedelta(days=APPROVAL_DAYS)


def approved_on(meeting: Meeting) -> datetime.date | None:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or minutes.locked_at is None:
        return None
    return timezone.localdate(minutes.locked_at)


def to_be_minuted(meeting: Meeting) -> bool:
    """A meeting whose notice went out or whose minutes are begun has minutes to
    approve; one that never had an agenda sent has none."""
    return meeting.dispatched_at is not None or getattr(meeting, "minutes", None) is not None


def approved_late(meeting: Meeting) -> bool:
    """The minutes were approved after the deadline."""
    day = approved_on(meeting)
    return day is not None and day > approval_deadline(meeting)


def overdue(meeting: Meeting, today: datetime.date) -> bool:
    """The minutes are still not approved and the deadline has passed."""
    return (
        to_be_minuted(meeting)
        and approved_on(meeting) is None
        and today > approval_deadline(meeting)
    )
