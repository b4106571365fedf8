"""The meetings list's filter: every meeting of every year, by year (`?ar=`) and body
(`?organ=`). The choices are only the years that have meetings and the bodies the user
works with, so the list has a finite set of addresses; a meeting never drops out of it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.meetings.models import Body, Meeting


@dataclass
class MeetingFilter:
    years: list[int]
    bodies: list[Body]
    year: int | None = None
    body: Body | None = None
    errors: list[str] = field(default_factory=list)

    def meetings(self) -> QuerySet[Meeting]:
        """The chosen meetings in date order; without a year, this year's and those
        planned in later years."""
        chosen = Meeting.objects.filter(body__in=[self.body] if self.body else self.bodies)
        if self.year is not None:
            chosen = chosen.filter(starts_at__year=self.year)
        else:
            first = datetime.date(timezone.localdate().year, 1, 1)
            chosen = chosen.filter(starts_at__date__gte=first)
        return chosen.order_by("starts_at")


def read_filter(bodies: list[Body], query: Any) -> MeetingFilter:
    """The filter asked for in the address; a year without meetings, a body the user
    does not work with or anything not a number is named in Swedish and left out."""
    years = [
        day.year
        for day in Meeting.objects.filter(body__in=bodies).dates("starts_at", "year", "DESC")
    ]
    found = MeetingFilter(years=years, bodies=bodies)
    year, body = query.get("ar", "").strip(), query.get("organ", "").strip()
    if year:
        if year.isdigit() and len(year) <= 4 and int(year) in years:
            found.year = int(year)
        else:
            found.errors.append(_("There are no meetings in %(year)s.") % {"year": year[:10]})
    if body:
        by_pk = {str(b.pk): b for b in bodies}
        if body in by_pk:
            found.body = by_pk[body]
        else:
            found.errors.append(_("That body is not one whose meetings you work with."))
    return found
