from __future__ import annotations

import datetime
from datetime import date

import pytest

from kansli.workdays.calendar import (
    add_workdays,
    days_off,
    is_workday,
    legal_deadline,
    workdays_between,
    workdays_late,
)


def test_days_off_2026_are_the_holidays_and_eves_without_ordinary_sundays() -> None:
    assert days_off(2026) == {
        date(2026, 1, 1),  # nyårsdagen
        date(2026, 1, 6),  # trettondedag jul
        date(2026, 4, 3),  # långfredagen
        date(2026, 4, 5),  # påskdagen
        date(2026, 4, 6),  # annandag påsk
        date(2026, 5, 1),  # första maj
        date(2026, 5, 14),  # Kristi himmelsfärds dag
        date(2026, 5, 24),  # pingstdagen
        date(2026, 6, 6),  # nationaldagen
        date(2026, 6, 19),  # midsommarafton
        date(2026, 6, 20),  # midsommardagen
        date(2026, 10, 31),  # alla helgons dag
        date(2026, 12, 24),  # julafton
        date(2026, 12, 25),  # juldagen
        date(2026, 12, 26),  # annandag jul
        date(2026, 12, 31),  # nyårsafton
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 2), True),  # an ordinary Monday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2025, 1, 1), False),  # nyårsdagen, Wednesday
        (date(2026, 1, 2), True),  # Friday after nyårsdagen
        (date(2026, 1, 5), True),  # trettondagsafton is a working day
        (date(2026, 1, 6), False),  # trettondedag jul, Tuesday
        (date(2027, 1, 6), False),  # trettondedag jul, Wednesday
        (date(2025, 4, 17), True),  # skärtorsdagen is a working day
        (date(2025, 4, 18), False),  # långfredagen
        (date(2025, 4, 21), False),  # annandag påsk
        (date(2025, 4, 22), True),
        (date(2026, 4, 3), False),  # långfredagen
        (date(2026, 4, 6), False),  # annandag påsk
        (date(2027, 3, 26), False),  # långfredagen
        (date(2027, 3, 29), False),  # annandag påsk
        (date(2025, 5, 1), False),  # första maj, Thursday
        (date(2025, 5, 2), True),  # a klämdag is a working day unless closed
        (date(2025, 5, 29), False),  # Kristi himmelsfärds dag
        (date(2026, 5, 14), False),  # Kristi himmelsfärds dag
        (date(2027, 5, 6), False),  # Kristi himmelsfärds dag
        (date(2026, 5, 13), True),
        (date(2025, 6, 9), True),  # annandag pingst is no holiday since 2005
        (date(2026, 5, 25), True),  # annandag pingst
        (date(2025, 6, 6), False),  # nationaldagen, Friday
        (date(2025, 6, 19), True),
        (date(2025, 6, 20), False),  # midsommarafton
        (date(2026, 6, 19), False),  # midsommarafton
        (date(2027, 6, 18), True),  # a Friday before the 19th
        (date(2027, 6, 25), False),  # midsommarafton
        (date(2028, 6, 23), False),  # midsommarafton
        (date(2025, 10, 31), True),  # allhelgonaafton is a working day
        (date(2025, 12, 23), True),
        (date(2025, 12, 24), False),  # julafton, Wednesday
        (date(2025, 12, 25), False),  # juldagen
        (date(2025, 12, 26), False),  # annandag jul
        (date(2025, 12, 29), True),
        (date(2025, 12, 31), False),  # nyårsafton, Wednesday
        (date(2027, 12, 24), False),  # julafton, Friday
        (date(2027, 12, 31), False),  # nyårsafton, Friday
    ],
)
def test_is_workday(day: date, expected: bool) -> None:
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 3, 2), 10, date(2026, 3, 16)),
        (date(2026, 3, 16), -10, date(2026, 3, 2)),
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 3, 7), 0, date(2026, 3, 7)),  # n = 0 leaves even a Saturday
        (date(2025, 12, 24), 0, date(2025, 12, 24)),
        (date(2026, 3, 7), 1, date(2026, 3, 9)),
        (date(2026, 3, 7), -1, date(2026, 3, 6)),
        (date(2025, 12, 23), 1, date(2025, 12, 29)),  # over julafton to annandag jul
        (date(2025, 12, 29), -1, date(2025, 12, 23)),
        (date(2025, 12, 30), 1, date(2026, 1, 2)),  # over nyårsafton and nyårsdagen
        (date(2026, 1, 2), -1, date(2025, 12, 30)),
        (date(2026, 1, 2), 2, date(2026, 1, 7)),  # over trettondedag jul
        (date(2026, 1, 7), -5, date(2025, 12, 23)),
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        (date(2027, 12, 23), 1, date(2027, 12, 27)),
        (date(2027, 12, 30), 1, date(2028, 1, 3)),
        (date(2025, 4, 17), 1, date(2025, 4, 22)),  # over påsk
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2025, 5, 28), 2, date(2025, 6, 2)),  # over Kristi himmelsfärds dag
        (date(2025, 6, 5), 1, date(2025, 6, 9)),  # over nationaldagen
        (date(2025, 6, 19), 1, date(2025, 6, 23)),  # over midsommar
        (date(2026, 6, 18), 1, date(2026, 6, 22)),
        (date(2027, 6, 24), 1, date(2027, 6, 28)),
    ],
)
def test_add_workdays(day: date, n: int, expected: date) -> None:
    assert add_workdays(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),
        (date(2026, 3, 2), date(2026, 3, 16), 10),
        (date(2026, 3, 16), date(2026, 3, 2), -10),
        (date(2026, 3, 6), date(2026, 3, 8), 0),  # Friday to Sunday
        (date(2026, 3, 6), date(2026, 3, 9), 1),
        (date(2025, 12, 23), date(2025, 12, 29), 1),
        (date(2025, 12, 29), date(2025, 12, 23), -1),
        (date(2025, 12, 23), date(2026, 1, 7), 5),
        (date(2026, 1, 7), date(2025, 12, 23), -5),
        (date(2026, 12, 23), date(2027, 1, 7), 6),
        (date(2025, 4, 17), date(2025, 4, 22), 1),
        (date(2027, 3, 25), date(2027, 3, 30), 1),
        (date(2025, 6, 19), date(2025, 6, 23), 1),
        (date(2025, 5, 28), date(2025, 6, 2), 2),
        (date(2024, 12, 31), date(2025, 12, 31), 249),  # the working days of 2025
        (date(2026, 1, 1), date(2026, 12, 31), 251),  # of 2026 (1 January is no workday)
    ],
)
def test_workdays_between(start: date, end: date, expected: int) -> None:
    assert workdays_between(start, end) == expected


@pytest.mark.parametrize(
    ("day", "weeks", "days", "expected"),
    [
        (date(2026, 3, 2), 2, 0, date(2026, 3, 16)),  # ends on a working day
        (date(2026, 3, 2), 0, 0, date(2026, 3, 2)),
        (date(2026, 3, 8), 0, 0, date(2026, 3, 9)),  # a day set on a Sunday
        (date(2026, 3, 2), 0, 5, date(2026, 3, 9)),  # Saturday moves to Monday
        (date(2026, 12, 4), 3, 0, date(2026, 12, 28)),  # juldagen, then the weekend
        (date(2026, 12, 4), 0, 21, date(2026, 12, 28)),
        (date(2025, 12, 3), 3, 0, date(2025, 12, 29)),  # julafton, Wednesday
        (date(2025, 12, 10), 3, 0, date(2026, 1, 2)),  # nyårsafton, then nyårsdagen
        (date(2026, 12, 10), 3, 0, date(2027, 1, 4)),  # nyårsafton, Thursday
        (date(2025, 12, 16), 3, 0, date(2026, 1, 7)),  # trettondedag jul
        (date(2026, 12, 16), 3, 0, date(2027, 1, 7)),
        (date(2025, 3, 28), 3, 0, date(2025, 4, 22)),  # långfredagen to annandag påsk
        (date(2026, 3, 13), 3, 0, date(2026, 4, 7)),
        (date(2027, 3, 5), 3, 0, date(2027, 3, 30)),
        (date(2025, 5, 8), 3, 0, date(2025, 5, 30)),  # Kristi himmelsfärds dag
        (date(2026, 4, 23), 3, 0, date(2026, 5, 15)),
        (date(2025, 5, 16), 3, 0, date(2025, 6, 9)),  # nationaldagen, Friday
        (date(2025, 5, 30), 3, 0, date(2025, 6, 23)),  # midsommarafton
        (date(2026, 5, 29), 3, 0, date(2026, 6, 22)),
        (date(2027, 6, 4), 3, 0, date(2027, 6, 28)),
        (date(2028, 6, 2), 3, 0, date(2028, 6, 26)),
        (date(2025, 10, 11), 3, 0, date(2025, 11, 3)),  # alla helgons dag
    ],
)
def test_legal_deadline(day: date, weeks: int, days: int, expected: date) -> None:
    assert legal_deadline(day, weeks=weeks, days=days) == expected


def test_legal_deadline_refuses_a_negative_period() -> None:
    with pytest.raises(ValueError, match="negative"):
        legal_deadline(date(2026, 3, 2), weeks=-1)


KLAMDAG = date(2025, 5, 30)  # the Friday after Kristi himmelsfärds dag 2025


def test_closed_days_move_working_days() -> None:
    assert is_workday(KLAMDAG, [KLAMDAG]) is False
    assert add_workdays(date(2025, 5, 28), 1) == KLAMDAG
    assert add_workdays(date(2025, 5, 28), 1, [KLAMDAG]) == date(2025, 6, 2)
    assert add_workdays(date(2025, 6, 2), -1, [KLAMDAG]) == date(2025, 5, 28)
    assert workdays_between(date(2025, 5, 28), date(2025, 6, 2), [KLAMDAG]) == 1
    assert workdays_between(date(2025, 6, 2), date(2025, 5, 28), [KLAMDAG]) == -1


# Leksand's measure 1 (issue 13): working days from arrival (or drawing up) to
# registration; a document that arrives on a day off counts from the next working day.
# Worked out by hand from the 2026 calendar:
#   arrived                     registered        lag
#   Fri  6 March                Fri  6 March      0
#   Fri  6 March                Mon  9 March      1
#   Sat  7 March                Mon  9 March      0   (counts from Monday)
#   Sun  8 March                Tue 10 March      1
#   Thu  2 April (skärtorsdag)  Tue  7 April      1   (3 and 6 April are holidays)
#   Fri  3 April (långfredag)   Tue  7 April      0   (counts from Tuesday)
#   Sat 26 December             Mon 28 December   0
#   Mon  9 March                Fri  6 March      0   (dated after it was registered)
LAGS = [
    ("2026-03-06", "2026-03-06", 0),
    ("2026-03-06", "2026-03-09", 1),
    ("2026-03-07", "2026-03-09", 0),
    ("2026-03-08", "2026-03-10", 1),
    ("2026-04-02", "2026-04-07", 1),
    ("2026-04-03", "2026-04-07", 0),
    ("2026-12-26", "2026-12-28", 0),
    ("2026-03-09", "2026-03-06", 0),
]


@pytest.mark.parametrize(("arrived", "registered", "lag"), LAGS)
def test_working_days_late_count_a_day_off_from_the_next_working_day(
    arrived: str, registered: str, lag: int
) -> None:
    day = datetime.date.fromisoformat
    assert workdays_late(day(arrived), day(registered)) == lag
