"""Leksand's measures of the committee process, per body and quarter: the working days
from arrival to registration in the body's registry, how many items
were pre-registered after the item deadline (stoppdag) and how many were incomplete at
dispatch, the late (extra) items per meeting, how many days after the notice went out
each member first opened the documents (the seed: "från bilagan med handlingarna är
utlagd på ikonen tills de ordinarie politikerna läser dem"; members who never opened
counted, substitutes apart), and the working days from approval to the minutes on the
web (goal: two) and to each decision dispatched (goal: five; every dispatch counted),
the minutes approved later than fourteen days after the meeting or not approved
when those have passed (KL 5 kap. 69 §, 6 kap. 35 §), and how many of the staff read
the body's snabbnytt within three working days (goal: three)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from kansli.access.rules import EMPLOYEE_ROLES, FULL_MEMBERS
from kansli.meetings import approval_time
from kansli.meetings.models import (
    AgendaItem,
    Body,
    Expedition,
    Meeting,
    NewsItem,
    NewsRead,
    Opening,
    Section,
)
from kansli.org.models import Role, RoleAssignment
from kansli.registry.models import Document
from kansli.workdays.calendar import workdays_between, workdays_late
from kansli.workdays.closed import closed_days

# Calendar days from the notice to a member's first opening (the seed's intervals).
OPENING_BUCKETS = [(0, 3), (4, 7), (8, 10), (11, 12), (13, 14)]
WEB_GOAL, DISPATCH_GOAL, NEWS_GOAL = 2, 5, 3


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
    substitute_openings: Counter[str] = field(default_factory=Counter)
    never_opened: int = 0
    registrations: int = 0
    registered_in_time: int = 0
    registration_lag: float = 0.0
    to_web: list[int] = field(default_factory=list)
    to_dispatch: list[int] = field(default_factory=list)
    approved_late: int = 0
    not_approved: int = 0
    news: int = 0
    news_staff: int = 0
    news_read: int = 0

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
    def news_share(self) -> float:
        return round(100 * self.news_read / self.news_staff, 1) if self.news_staff else 0.0

    @property
    def web_within_goal(self) -> int:
        return sum(1 for days in self.to_web if days <= WEB_GOAL)

    @property
    def dispatch_within_goal(self) -> int:
        return sum(1 for days in self.to_dispatch if days <= DISPATCH_GOAL)

    @property
    def web_over_goal(self) -> int:
        """Measure 6 fails for these minutes: on the web later than WEB_GOAL."""
        return len(self.to_web) - self.web_within_goal

    @property
    def dispatch_over_goal(self) -> int:
        return len(self.to_dispatch) - self.dispatch_within_goal

    @property
    def opening_rows(self) -> list[tuple[str, int, int]]:
        """Per interval: members, substitutes."""
        return [(label, self.openings[label], self.substitute_openings[label])
                for label in BUCKET_LABELS]  # fmt: skip


BUCKET_LABELS = [f"{low}–{high}" for low, high in OPENING_BUCKETS] + ["15–"]


def _bucket(days: int) -> str:
    for low, high in OPENING_BUCKETS:
        if low <= days <= high:
            return f"{low}–{high}"
    return "15–"


def prepared_counts(items: Iterable[Any]) -> tuple[int, int, int]:
    """Measures 2 and 3 for one meeting: of the matters for decision, which officers
    pre-register with their report (not the secretary's lists of delegated decisions and
    reported matters, nor information items), how many there are, how many were
    pre-registered after the item deadline and how many were incomplete at dispatch."""
    prepared = [item for item in items if item.section == Section.DECISIONS]
    late = sum(1 for item in prepared if item.late)
    return len(prepared), late, sum(1 for item in prepared if item.incomplete_at_dispatch)


def opening_counts(
    dispatched_on: datetime.date,
    opened: dict[int, datetime.date],
    members: set[int],
    substitutes: set[int],
) -> tuple[Counter[str], Counter[str], int]:
    """Measure 5 for one meeting: per interval of calendar days from the notice to the
    first opening, the members (ledamöter, the chair among them) and the substitutes
    who opened, and how many members never did (a substitute who is not called need
    not open)."""
    full, apart = Counter[str](), Counter[str]()
    for user, day in opened.items():
        bucket = _bucket(max((day - dispatched_on).days, 0))
        if user in members:
            full[bucket] += 1
        elif user in substitutes:
            apart[bucket] += 1
    return full, apart, len(members - set(opened))


def dispatch_days(
    approved: datetime.date, sent: list[datetime.date], closed: frozenset[datetime.date]
) -> list[int]:
    """Measure 7: the working days from approval to each dispatch of a decision."""
    return [workdays_between(approved, day, closed) for day in sent]


def news_read_in_time(
    published: datetime.date,
    reads: dict[int, datetime.date],
    staff: set[int],
    closed: frozenset[datetime.date],
) -> int:
    """Measure 8 for one news item: how many of the staff on the publication day first
    read it within NEWS_GOAL working days. The publication day is day 0; one published on
    a day off counts from the next working day (workdays_late)."""
    return sum(1 for user, day in reads.items()
               if user in staff and workdays_late(published, day, closed) <= NEWS_GOAL)  # fmt: skip


def quarters(body: Body) -> list[Quarter]:
    """The measures of every quarter in which the body met (a meeting is held when its
    time has come or its minutes are begun), newest first."""
    found: dict[tuple[int, int], Quarter] = {}
    closed = closed_days(body.authority.municipality_id)
    today = timezone.localdate()
    held = Q(starts_at__lte=timezone.now()) | Q(minutes__isnull=False)
    meetings = list(
        Meeting.objects.filter(held, body=body).select_related("body__authority", "minutes__notice")
    )
    by_pk = {meeting.pk: meeting for meeting in meetings}
    # Every elected seat the body has had, read once; each meeting takes those of its day.
    seats = list(
        RoleAssignment.objects.filter(
            role=Role.ELECTED, authority_id=body.authority_id, committee=body.committee
        ).values_list("user_id", "position", "valid_from", "valid_to")
    )
    # Measures 2-4 count what officers prepare: a procedural item (no case) is the
    # secretary's own and never late, incomplete or extra.
    items = AgendaItem.objects.filter(meeting__in=by_pk, case__isnull=False)
    by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        item.meeting = by_pk[item.meeting_id]  # its deadlines worked out once per meeting
        by_meeting.setdefault(item.meeting_id, []).append(item)
    opened: dict[int, dict[int, datetime.date]] = {}
    for opening in Opening.objects.filter(meeting__in=by_pk):
        day = timezone.localdate(opening.first_opened_at)
        opened.setdefault(opening.meeting_id, {})[opening.user_id] = day
    sent: dict[int, list[datetime.date]] = {}
    expeditions = Expedition.objects.filter(paragraph__minutes__meeting__in=by_pk)
    for meeting_id, moment in expeditions.values_list("paragraph__minutes__meeting", "sent_at"):
        sent.setdefault(meeting_id, []).append(timezone.localdate(moment))
    for meeting in meetings:
        day = meeting.day
        key = (day.year, (day.month - 1) // 3 + 1)
        quarter = found.setdefault(key, Quarter(*key))
        quarter.meetings += 1
        listed = by_meeting.get(meeting.pk, [])
        counted, late, incomplete = prepared_counts(listed)
        quarter.items += counted
        quarter.late += late
        quarter.incomplete += incomplete
        quarter.extra_per_meeting.append((str(meeting), sum(1 for i in listed if i.extra)))
        if meeting.dispatched_at is not None:
            _openings(meeting, seats, opened.get(meeting.pk, {}), quarter)
        _timeliness(meeting, quarter, sent.get(meeting.pk, []), closed)
        quarter.approved_late += approval_time.approved_late(meeting)
        quarter.not_approved += approval_time.overdue(meeting, today)
    _registrations(body, found)
    _news(body, found, closed)
    return [found[key] for key in sorted(found, reverse=True)]


def _registrations(body: Body, found: dict[tuple[int, int], Quarter]) -> None:
    """Measure 1 for the quarters the body met in: the registrations in its authority's
    registry (Document.registration_lag), how many within KANSLI_REGISTRATION_LAG_DAYS
    working days and the mean, counted in the database per quarter."""
    limit = settings.REGISTRATION_LAG_LIMIT
    per_quarter = (
        Document.objects.filter(
            case__authority_id=body.authority_id,
            registration_lag__isnull=False,
            voided_at__isnull=True,
        )
        .annotate(year=ExtractYear("registered_at"), quarter=ExtractQuarter("registered_at"))
        .values("year", "quarter")
        .annotate(
            count=Count("pk"),
            in_time=Count("pk", filter=Q(registration_lag__lte=limit)),
            mean=Avg("registration_lag"),
        )
        .order_by()
    )
    for row in per_quarter:
        quarter = found.get((row["year"], row["quarter"]))
        if quarter is not None:
            quarter.registrations, quarter.registered_in_time = row["count"], row["in_time"]
            quarter.registration_lag = round(row["mean"] or 0.0, 1)


Seat = tuple[int, str, datetime.date, datetime.date | None]


def _openings(
    meeting: Meeting, seats: list[Seat], opened: dict[int, datetime.date], quarter: Quarter
) -> None:
    day = meeting.day
    held = [(user, position) for user, position, first, last in seats
            if first <= day and (last is None or day <= last)]  # fmt: skip
    members = {user for user, position in held if position in FULL_MEMBERS}
    substitutes = {user for user, position in held if position not in FULL_MEMBERS}
    assert meeting.dispatched_at is not None
    full, apart, never = opening_counts(
        timezone.localdate(meeting.dispatched_at), opened, members, substitutes - members
    )
    quarter.openings.update(full)
    quarter.substitute_openings.update(apart)
    quarter.never_opened += never


def _timeliness(
    meeting: Meeting,
    quarter: Quarter,
    sent: list[datetime.date],
    closed: frozenset[datetime.date],
) -> None:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or minutes.locked_at is None:
        return
    approved = timezone.localdate(minutes.locked_at)
    notice = getattr(minutes, "notice", None)
    if notice is not None:
        quarter.to_web.append(workdays_between(approved, notice.posted_on, closed))
    quarter.to_dispatch += dispatch_days(approved, sent, closed)


def _news(
    body: Body, found: dict[tuple[int, int], Quarter], closed: frozenset[datetime.date]
) -> None:
    """Measure 8 per quarter of publication: the body's news items, the staff of its
    authority on each publication day (EMPLOYEE_ROLES, not its elected members) and how
    many of them read the item within NEWS_GOAL working days."""
    items = list(NewsItem.objects.filter(body=body))
    if not items:
        return
    roles = RoleAssignment.objects.filter(authority_id=body.authority_id, role__in=EMPLOYEE_ROLES)
    held = list(roles.values_list("user_id", "valid_from", "valid_to"))
    reads: dict[int, dict[int, datetime.date]] = {}
    for item_id, user_id, moment in NewsRead.objects.filter(item__in=items).values_list(
        "item_id", "user_id", "read_at"
    ):
        reads.setdefault(item_id, {})[user_id] = timezone.localdate(moment)
    for item in items:
        day = timezone.localdate(item.published_at)
        staff = {user for user, first, last in held
                 if first <= day and (last is None or day <= last)}  # fmt: skip
        key = (day.year, (day.month - 1) // 3 + 1)
        quarter = found.setdefault(key, Quarter(*key))
        quarter.news += 1
        quarter.news_staff += len(staff)
        quarter.news_read += news_read_in_time(day, reads.get(item.pk, {}), staff, closed)
