"""The clock of a request for public documents: the time from its arrival to its answer
(or to now) in working hours and working days. A request is handled at once or as soon
as possible (TF 2 kap. 15 §: skyndsamt; JO counts days, not weeks). Working days are
those of lag (1930:173) and the municipality's own closed days (kansli.workdays); the
working day is WORKING_HOURS (KANSLI_WORKING_HOURS, "08-17"), local time. A request that
came on a day off counts its days from the next working day, so one answered then is
answered the same day."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.workdays.calendar import ONE_DAY, is_workday, workdays_late
from kansli.workdays.closed import closed_between

_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class Elapsed:
    minutes: int  # working minutes
    days: int  # working days after the day it came (or the next working day)

    def __str__(self) -> str:
        return _("%(hours)d h %(minutes)d min; working days: %(days)d") % {
            "hours": self.minutes // 60, "minutes": self.minutes % 60, "days": self.days,
        }  # fmt: skip


def working_hours() -> tuple[float, float]:
    """The working day's first and last hour from the setting ("08-17", "07:30-16")."""
    value = settings.WORKING_HOURS
    found = _HOURS.match(value)
    if found:
        start = int(found[1]) + int(found[2] or 0) / 60
        end = int(found[3]) + int(found[4] or 0) / 60
        if 0 <= start < end <= 24:
            return start, end
    raise ImproperlyConfigured(
        f"KANSLI_WORKING_HOURS ska vara t.ex. 08-17 eller 07:30-16:30, inte {value!r}."
    )


def _at(day: datetime.date, hour: float, zone: Any) -> datetime.datetime:
    midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    return midnight + datetime.timedelta(minutes=round(hour * 60))


def elapsed(
    start: datetime.datetime,
    end: datetime.datetime,
    closed: Collection[datetime.date],
    *,
    hours: tuple[float, float] | None = None,
) -> Elapsed:
    """The working time from `start` to `end`: the minutes within the working hours of
    each working day between them, and the working days (kansli.workdays)."""
    opens, shuts = hours or working_hours()
    zone = timezone.get_current_timezone()
    first, last = timezone.localdate(start, zone), timezone.localdate(end, zone)
    closed = frozenset(closed)
    seconds = 0.0
    day = first
    while day <= last:
        if is_workday(day, closed):
            begin = max(start, _at(day, opens, zone))
            finish = min(end, _at(day, shuts, zone))
            seconds += max((finish - begin).total_seconds(), 0)
        day += ONE_DAY
    return Elapsed(minutes=int(seconds // 60), days=workdays_late(first, last, closed))


def request_clock(
    request: Any,
    now: datetime.datetime | None = None,
    closed: Collection[datetime.date] | None = None,
) -> Elapsed:
    """A request's clock: from arrival to its answer, or to now while it is open. The
    municipality's closed days are read unless given (an overview reads them once)."""
    end = request.answered_at or now or timezone.now()
    if closed is None:
        first, last = timezone.localdate(request.received_at), timezone.localdate(end)
        closed = closed_between(request.authority.municipality_id, first, last)
    return elapsed(request.received_at, end, closed)
