"""When a meeting is held: its first and last day (a council's budget meeting may run
over several days) and the time written out as the notice, the minutes ("Plats och
tid") and the public pages give it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.meetings.models import Meeting

# A meeting may go on for some days (adjourned and resumed), never for weeks.
LONGEST = datetime.timedelta(days=7)


def last_day(meeting: Meeting) -> datetime.date:
    """The day the meeting ended: that of its end time, else the day it began."""
    if meeting.ends_at is None:
        return meeting.day
    return timezone.localdate(meeting.ends_at)


def has_ended(meeting: Meeting, now: datetime.datetime) -> bool:
    """The meeting is over: its recorded end has passed, or without one its day is
    over (a meeting held before end times were recorded)."""
    if meeting.ends_at is not None:
        return now >= meeting.ends_at
    return timezone.localdate(now) > meeting.day


def _at(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(day)s at %(time)s") % {"day": f"{local:%Y-%m-%d}", "time": f"{local:%H.%M}"}


def span(meeting: Meeting) -> str:
    """The time written out: 2026-11-24 kl. 09.00 – 2026-11-25 kl. 16.30, on one day
    2026-11-24 kl. 09.00–16.30, or the start alone while no end is recorded."""
    start = _at(meeting.starts_at)
    if meeting.ends_at is None:
        return start
    if last_day(meeting) == meeting.day:
        return f"{start}–{timezone.localtime(meeting.ends_at):%H.%M}"
    return f"{start} – {_at(meeting.ends_at)}"
