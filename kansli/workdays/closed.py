"""The closed days stored in the database, for the pure functions in calendar."""

from __future__ import annotations

import datetime

from kansli.org.models import Municipality
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
