"""When a document may be disposed of: a table computed by hand before the code.

The rule (kansli/retention/README.md): a period of years and months runs from the day of
its starting event and ends on the same date that many months later, or on the last day
of that month when it has no such date (EU regulation 1182/71 art. 3.2 c, the rule for
periods in months and years in EU law); the document may be disposed
of from the day after the period has ended ("efter"). Years and months are added as one
period of 12 × years + months months. No database is needed: the function reads only
the rule's fields."""

from __future__ import annotations

import datetime

import pytest

from kansli.retention.models import Event, Outcome, PlanRule, due_date

D = datetime.date


def rule(years: int | None, months: int | None, event: str, outcome: str = Outcome.DISPOSE):
    return PlanRule(outcome=outcome, period_years=years, period_months=months, starting_event=event)


# (years, months, starting event, the event's day) → the first day it may be disposed of,
# worked out on paper: the end of the period, then the next day.
TABLE = [
    # 2 years after a case closed on a leap day: 2026 has no 29 February, so the period
    # ends on the last day of February (28th) and disposal may start on 1 March.
    (2, None, Event.CASE_CLOSED, D(2024, 2, 29), D(2026, 3, 1)),
    # 4 years after a leap day lands on a leap day again: ends 2028-02-29.
    (4, None, Event.CASE_CLOSED, D(2024, 2, 29), D(2028, 3, 1)),
    # an ordinary date: ends 2026-03-15, disposal from the 16th.
    (2, None, Event.CASE_CLOSED, D(2024, 3, 15), D(2026, 3, 16)),
    # one month after 31 January in a leap year ends 29 February.
    (None, 1, Event.DOCUMENT_DATE, D(2024, 1, 31), D(2024, 3, 1)),
    # and in an ordinary year 28 February.
    (0, 1, Event.DOCUMENT_DATE, D(2023, 1, 31), D(2023, 3, 1)),
    # six months after 31 August: February has no 31st → 2025-02-28.
    (None, 6, Event.REGISTERED, D(2024, 8, 31), D(2025, 3, 1)),
    # three months after 30 November → 28 February (2025 is not a leap year).
    (None, 3, Event.REGISTERED, D(2024, 11, 30), D(2025, 3, 1)),
    # one month after 30 April → 30 May: not a month end rule, the same date.
    (None, 1, Event.DOCUMENT_DATE, D(2024, 4, 30), D(2024, 5, 31)),
    # 1 year 6 months is one period of 18 months: 2024-08-31 → 2026-02-28.
    (1, 6, Event.CASE_CLOSED, D(2024, 8, 31), D(2026, 3, 1)),
    # 13 months from a leap day: 2025-03-29 (not 1 year to 2025-02-28, then a month).
    (1, 1, Event.CASE_CLOSED, D(2024, 2, 29), D(2025, 3, 30)),
    # the period ends on 31 December; disposal may start on New Year's Day.
    (1, None, Event.CASE_CLOSED, D(2024, 12, 31), D(2026, 1, 1)),
    # 5 years after employment ended.
    (5, None, Event.EMPLOYMENT_ENDED, D(2021, 6, 30), D(2026, 7, 1)),
    # 2 years after the end of the year the document is dated: 2024-12-31 + 2 years.
    (2, None, Event.YEAR_END, D(2024, 3, 10), D(2027, 1, 1)),
    # no period at all (0 years): the day after the event.
    (0, 0, Event.DOCUMENT_DATE, D(2025, 5, 5), D(2025, 5, 6)),
]


@pytest.mark.parametrize(("years", "months", "event", "day", "expected"), TABLE)
def test_due_date_table(
    years: int | None, months: int | None, event: str, day: datetime.date, expected: datetime.date
) -> None:
    found = due_date(
        rule(years, months, event),
        case_closed=day if event == Event.CASE_CLOSED else None,
        document_date=day if event in (Event.DOCUMENT_DATE, Event.YEAR_END) else None,
        registered=day if event == Event.REGISTERED else None,
        employment_ended=day if event == Event.EMPLOYMENT_ENDED else None,
    )
    assert found == expected


def test_kept_obsolete_and_unknown_events_have_no_date() -> None:
    days = {
        "case_closed": D(2020, 1, 1), "document_date": D(2020, 1, 1),
        "registered": D(2020, 1, 1), "employment_ended": D(2020, 1, 1),
    }  # fmt: skip
    # Kept (bevaras): never disposed of.
    assert due_date(rule(None, None, "", Outcome.KEEP), **days) is None
    # Vid inaktualitet: someone decides when it is no longer needed.
    assert due_date(rule(None, None, Event.OBSOLETE), **days) is None
    # The case is still open: the period has not started.
    assert due_date(rule(2, None, Event.CASE_CLOSED), document_date=D(2020, 1, 1)) is None
    # The employment has not ended.
    assert due_date(rule(5, None, Event.EMPLOYMENT_ENDED)) is None


def test_a_time_counts_by_its_day_in_swedish_time() -> None:
    # 23:30 UTC on 29 February is 00:30 on 1 March in Stockholm: 12 months from 1 March.
    registered = datetime.datetime(2024, 2, 29, 23, 30, tzinfo=datetime.UTC)
    found = due_date(rule(None, 12, Event.REGISTERED), registered=registered)
    assert found == D(2025, 3, 2)
