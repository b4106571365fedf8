"""Leksand's measures of the committee process, per body and quarter: how many items
were pre-registered after the item deadline (stoppdag) and how many were incomplete at
dispatch, the late (extra) items per meeting, how many days before the meeting the
members first opened the documents, and the working days from approval to the minutes
on the web (goal: two) and to the decisions dispatched (goal: five)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from kansli.meetings.models import AgendaItem, Body, Meeting, Opening
from kansli.workdays.calendar import workdays_between
from kansli.workdays.closed import closed_days

# Days before the meeting that a member first opened the documents.
OPENING_BUCKETS = [(0, 3), (4, 7), (8, 10), (11, 12), (13, 14)]
WEB_GOAL, DISPATCH_GOAL = 2, 5


@dataclass
class Quarter:
    year: int
    quarter: int
    meetings: int = 0
    items: int = 0
    late: int = 0
    incomplete: int = 0
    extra_per_meeting: list[tuple[str, int]] = field(default_factory=list)
    openings: Counter[str] = field(default_factory=Counter)
    to_web: list[int] = field(default_factory=list)
    to_dispatch: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year} K{self.quarter}"

    def share(self, count: int) -> float:
        return round(100 * count / self.items, 1) if self.items else 0.0

    @property
    def late_share(self) -> float:
        return self.share(self.late)

    @property
    def incomplete_share(self) -> float:
        return self.share(self.incomplete)

    @property
    def web_within_goal(self) -> int:
        return sum(1 for days in self.to_web if days <= WEB_GOAL)

    @property
    def dispatch_within_goal(self) -> int:
        return sum(1 for days in self.to_dispatch if days <= DISPATCH_GOAL)

    @property
    def opening_rows(self) -> list[tuple[str, int]]:
        labels = [f"{low}–{high}" for low, high in OPENING_BUCKETS] + ["15–"]
        return [(label, self.openings[label]) for label in labels]


def _bucket(days: int) -> str:
    for low, high in OPENING_BUCKETS:
        if low <= days <= high:
            return f"{low}–{high}"
    return "15–"


def quarters(body: Body) -> list[Quarter]:
    """The measures of every quarter in which the body met (a meeting is held when its
    time has come or its minutes are begun), newest first."""
    found: dict[tuple[int, int], Quarter] = {}
    closed = closed_days(body.authority.municipality_id)
    held = Q(starts_at__lte=timezone.now()) | Q(minutes__isnull=False)
    meetings = list(
        Meeting.objects.filter(held, body=body)
        .select_related("body__authority", "minutes__notice")
        .annotate(last_sent=Max("minutes__paragraphs__expeditions__sent_at"))
    )
    by_pk = {meeting.pk: meeting for meeting in meetings}
    items = AgendaItem.objects.filter(meeting__in=by_pk)
    by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        item.meeting = by_pk[item.meeting_id]  # its deadlines worked out once per meeting
        by_meeting.setdefault(item.meeting_id, []).append(item)
    openings = Opening.objects.filter(meeting__in=by_pk)
    opened: dict[int, list[datetime.datetime]] = {}
    for opening in openings:
        opened.setdefault(opening.meeting_id, []).append(opening.first_opened_at)
    for meeting in meetings:
        day = meeting.day
        key = (day.year, (day.month - 1) // 3 + 1)
        quarter = found.setdefault(key, Quarter(*key))
        quarter.meetings += 1
        listed = by_meeting.get(meeting.pk, [])
        quarter.items += len(listed)
        quarter.late += sum(1 for item in listed if item.late)
        quarter.incomplete += sum(1 for item in listed if item.incomplete_at_dispatch)
        quarter.extra_per_meeting.append((str(meeting), sum(1 for i in listed if i.extra)))
        for moment in opened.get(meeting.pk, []):
            quarter.openings[_bucket((day - timezone.localdate(moment)).days)] += 1
        _timeliness(meeting, quarter, closed)
    return [found[key] for key in sorted(found, reverse=True)]


def _timeliness(meeting: Meeting, quarter: Quarter, closed: frozenset[datetime.date]) -> None:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or minutes.locked_at is None:
        return
    approved = timezone.localdate(minutes.locked_at)
    notice = getattr(minutes, "notice", None)
    if notice is not None:
        quarter.to_web.append(workdays_between(approved, notice.posted_on, closed))
    last = meeting.last_sent  # type: ignore[attr-defined]
    if last is not None:
        quarter.to_dispatch.append(workdays_between(approved, timezone.localdate(last), closed))
