"""The clock against a table computed by hand (working day 08:00–17:00, Stockholm).
(The brief's first example said 0 h 45 min for Friday 16:30 to Monday 09:15; with a
working day from 08:00 Monday holds 1 h 15 min of it, so 1 h 45 min.)

| arrived              | answered            | hours   | days | why                        |
|----------------------|---------------------|---------|------|----------------------------|
| Fri 2026-12-04 16:30 | Mon 2026-12-07 09:15| 1 h 45  | 1    | 30 min Fri + 1 h 15 Mon    |
| Thu 2026-06-18 15:00 | Mon 2026-06-22 10:00| 4 h 00  | 1    | Fri 19 June midsommarafton |
| Wed 2026-05-13 16:00 | Mon 2026-05-18 08:30| 1 h 30  | 1    | Thu Kristi himmelsfärd,    |
|                      |                     |         |      | Fri 15 May closed (klämdag)|
| the same, Fri open   |                     | 10 h 30 | 2    | + 9 h Fri                  |
| Sun 2026-12-06 20:00 | Mon 2026-12-07 11:00| 3 h 00  | 0    | counts from Monday         |
| Wed 2026-12-23 16:00 | Mon 2026-12-28 09:00| 2 h 00  | 1    | julafton, juldagen, weekend|
| Tue 2026-12-08 07:00 | Tue 2026-12-08 07:30| 0 h 00  | 0    | before opening             |
| Tue 2026-12-08 12:00 | Wed 2026-12-09 19:00| 14 h 00 | 1    | 5 h + 9 h, evening not     |
| Sat 2026-03-28 10:00 | Mon 2026-03-30 09:00| 1 h 00  | 0    | summer time begins Sun     |
| Wed 2026-12-30 16:00 | Mon 2027-01-04 10:00| 3 h 00  | 1    | nyårsafton, nyårsdagen,    |
|                      |                     |         |      | weekend                    |

Days off: Saturdays, Sundays, the allmänna helgdagar and midsommarafton, julafton and
nyårsafton (lag (1930:173) om beräkning av lagstadgad tid 2 §), and the municipality's
closed days (a klämdag). TF 2 kap. 15 § asks for an answer "genast eller så snart som
möjligt"; the clock counts what JO counts, working days.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kansli.requests.clock import Elapsed, elapsed, working_hours

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


KLAMDAG = {datetime.date(2026, 5, 15)}

TABLE = [
    ("2026-12-04 16:30", "2026-12-07 09:15", set(), 105, 1),
    ("2026-06-18 15:00", "2026-06-22 10:00", set(), 4 * 60, 1),
    ("2026-05-13 16:00", "2026-05-18 08:30", KLAMDAG, 90, 1),
    ("2026-05-13 16:00", "2026-05-18 08:30", set(), 10 * 60 + 30, 2),
    ("2026-12-06 20:00", "2026-12-07 11:00", set(), 3 * 60, 0),
    ("2026-12-23 16:00", "2026-12-28 09:00", set(), 2 * 60, 1),
    ("2026-12-08 07:00", "2026-12-08 07:30", set(), 0, 0),
    ("2026-12-08 12:00", "2026-12-09 19:00", set(), 14 * 60, 1),
    ("2026-03-28 10:00", "2026-03-30 09:00", set(), 60, 0),
    ("2026-12-30 16:00", "2027-01-04 10:00", set(), 3 * 60, 1),
]


@pytest.mark.parametrize(("arrived", "answered", "closed", "minutes", "days"), TABLE)
def test_the_clock_matches_the_table_computed_by_hand(
    arrived: str, answered: str, closed: set, minutes: int, days: int
) -> None:
    found = elapsed(at(arrived), at(answered), closed, hours=(8, 17))
    assert found == Elapsed(minutes=minutes, days=days)


def test_the_clock_reads_as_hours_and_minutes() -> None:
    translation.activate("sv")
    assert str(Elapsed(minutes=45, days=1)) == "0 h 45 min; arbetsdagar: 1"
    assert str(Elapsed(minutes=14 * 60, days=3)) == "14 h 0 min; arbetsdagar: 3"


def test_the_working_hours_come_from_the_setting(settings: object) -> None:
    settings.WORKING_HOURS = "07:30-16"  # type: ignore[attr-defined]
    assert working_hours() == (7.5, 16)
    found = elapsed(at("2026-12-08 07:00"), at("2026-12-08 08:00"), set())
    assert found.minutes == 30


@pytest.mark.parametrize("value", ["", "8", "17-08", "25-26", "ab-cd"])
def test_a_wrong_setting_is_named(settings: object, value: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.WORKING_HOURS = value  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="KANSLI_WORKING_HOURS"):
        working_hours()
