"""Swedish working days and the end of legal periods. Pure functions without the
database: a municipality's own closed days are passed in (see kansli.workdays.closed)."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from functools import lru_cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=512)
def days_off(year: int) -> frozenset[datetime.date]:
    """The days of the year on which no legal period ends, Saturdays and Sundays
    aside: the allmänna helgdagar and midsommarafton, julafton and nyårsafton."""
    # Lag (1989:253) om allmänna helgdagar. The package would list every Sunday only
    # with include_sundays=True; Sundays are handled by the weekday anyway.
    public = holidays.country_holidays(
        "SE", years=year, categories=holidays.PUBLIC, include_sundays=False
    )
    # The eves are not allmänna helgdagar; Lag (1930:173) om beräkning av lagstadgad
    # tid 2 § names them separately. Midsommarafton is the Friday between 19 and 25 June.
    june_19 = datetime.date(year, 6, 19)
    midsummer_eve = june_19 + datetime.timedelta(days=(4 - june_19.weekday()) % 7)
    eves = {midsummer_eve, datetime.date(year, 12, 24), datetime.date(year, 12, 31)}
    return frozenset(public.keys()) | frozenset(eves)


def is_day_off(day: datetime.date) -> bool:
    """Saturday, Sunday, allmän helgdag, midsommarafton, julafton or nyårsafton: the
    days of Lag (1930:173) om beräkning av lagstadgad tid 2 §."""
    return day.weekday() >= 5 or day in days_off(day.year)


def is_workday(day: datetime.date, closed: Collection[datetime.date] = ()) -> bool:
    return not is_day_off(day) and day not in closed


def add_workdays(
    day: datetime.date, n: int, closed: Collection[datetime.date] = ()
) -> datetime.date:
    """The day n working days after `day` (before it if n is negative). With n = 0 the
    day itself, whether or not it is a working day."""
    step = ONE_DAY if n > 0 else -ONE_DAY
    closed = frozenset(closed)
    for _ in range(abs(n)):
        day += step
        while not is_workday(day, closed):
            day += step
    return day


def workdays_between(
    start: datetime.date, end: datetime.date, closed: Collection[datetime.date] = ()
) -> int:
    """The number of working days after `start` up to and including `end`; if `end`
    is before `start`, the same count for the two swapped, negated."""
    if end < start:
        return -workdays_between(end, start, closed)
    closed = frozenset(closed)
    span = (end - start).days
    return sum(is_workday(start + i * ONE_DAY, closed) for i in range(1, span + 1))


def workdays_late(
    start: datetime.date, end: datetime.date, closed: Collection[datetime.date] = ()
) -> int:
    """The working days from `start` to `end`, where a `start` on a day off counts from
    the next working day (a letter that came on a Saturday is on time on Monday); 0 when
    `end` is on or before it."""
    closed = frozenset(closed)
    while not is_workday(start, closed):
        start += ONE_DAY
    return max(workdays_between(start, end, closed), 0)


def legal_deadline(day: datetime.date, *, weeks: int = 0, days: int = 0) -> datetime.date:
    """The last day of a period of `weeks` weeks or `days` days from `day`. A period
    in weeks ends on the same weekday (Lag (1930:173) 1 §). If the period ends on a
    Saturday, Sunday, allmän helgdag, midsommarafton, julafton or nyårsafton, it runs
    to the next day that is none of them (2 §). A municipality's closed days do not
    move it: the law names the days."""
    if weeks < 0 or days < 0:
        raise ValueError("a legal period cannot be negative")
    end = day + datetime.timedelta(weeks=weeks, days=days)
    while is_day_off(end):
        end += ONE_DAY
    return end
