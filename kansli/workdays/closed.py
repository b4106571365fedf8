"""The closed days stored in the database, for the pure functions in calendar."""

from __future__ import annotations

import datetime

from kansli.org.models import Municipality
from kansli.workdays.models import ClosedDay


def closed_days(municipality: Municipality | None = None) -> frozenset[datetime.date]:
    """The closed days of one municipality, or of all of them."""
    days = ClosedDay.objects.all()
    if municipality is not None:
        days = days.filter(municipality=municipality)
    return frozenset(days.values_list("date", flat=True))
