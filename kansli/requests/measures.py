"""The promptness of answers to requests for public documents, per authority and
quarter (issue 14, part 8): of the requests received in the quarter, the share answered
the same working day, within one and within two working days (TF 2 kap. 15 §: "genast
eller så snart som möjligt"), by the request's clock (kansli.requests.clock); and the
refusals decided and appeals received in the quarter. A request not yet answered counts
as answered in none of the three."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kansli.org.models import Authority
from kansli.requests.clock import request_clock
from kansli.requests.models import AccessRequest, Appeal, Refusal
from kansli.workdays.closed import closed_days


@dataclass
class RequestQuarter:
    year: int
    quarter: int
    requests: int = 0
    same_day: int = 0
    within_one: int = 0
    within_two: int = 0
    refusals: int = 0
    appeals: int = 0

    @property
    def label(self) -> str:
        return f"{self.year} K{self.quarter}"

    def share(self, count: int) -> float:
        return round(100 * count / self.requests, 1) if self.requests else 0.0

    @property
    def same_day_share(self) -> float:
        return self.share(self.same_day)

    @property
    def within_one_share(self) -> float:
        return self.share(self.within_one)

    @property
    def within_two_share(self) -> float:
        return self.share(self.within_two)


def _key(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def request_quarters(authority: Authority) -> list[RequestQuarter]:
    """The quarters with a request, a refusal or an appeal at the authority, newest
    first."""
    found: dict[tuple[int, int], RequestQuarter] = {}

    def quarter(day: datetime.date) -> RequestQuarter:
        key = _key(day)
        return found.setdefault(key, RequestQuarter(*key))

    closed = closed_days(authority.municipality_id)
    requests = AccessRequest.objects.filter(authority=authority).select_related("authority")
    for request in requests:
        row = quarter(timezone.localdate(request.received_at))
        row.requests += 1
        if request.answered_at is None:
            continue
        days = request_clock(request, closed=closed).days
        row.same_day += days == 0
        row.within_one += days <= 1
        row.within_two += days <= 2
    for decided_on in Refusal.objects.filter(request__authority=authority).values_list(
        "decided_on", flat=True
    ):
        quarter(decided_on).refusals += 1
    for received_on in Appeal.objects.filter(refusal__request__authority=authority).values_list(
        "received_on", flat=True
    ):
        quarter(received_on).appeals += 1
    return [found[key] for key in sorted(found, reverse=True)]
