"""The closed days stored in the database, for the pure functions in calendar."""

from __future__ import annotations

import datetime

from kansli.org.models import Municipality
from kansli.rows import execute
from kansli.workdays.models import ClosedDay


def closed_days(
    municipality: Municipality | int | None = None,
    between: tuple[datetime.date, datetime.date] | None = None,
) -> frozenset[datetime.date]:
    """The closed days of one municipality (or its id), or of all of them; only those
    from the first to the last day of `between` when given."""
    days = ClosedDay.objects.all()
    if municipality is not None:
        days = days.filter(municipality=municipality)
    if between is not None:
        days = days.filter(date__range=between)
    return frozenset(days.values_list("date", flat=True))


def closed_between(
    municipality_id: int, first: datetime.date, last: datetime.date
) -> set[datetime.date]:
    """closed_days(municipality_id, (first, last)) in one plain statement: asked on every
    registration of an incoming document, where the ORM's query building would cost more
    than the query."""
    found = execute(
        "SELECT date FROM workdays_closedday WHERE municipality_id = %s AND date BETWEEN %s AND %s",
        [municipality_id, first.isoformat(), last.isoformat()],
    ).fetchall()
    # SQLite gives ISO text back, PostgreSQL a date.
    return {d if isinstance(d, datetime.date) else datetime.date.fromisoformat(d) for (d,) in found}
