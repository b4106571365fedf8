"""Lists: an officer's open cases (Mina ärenden) with their due dates, and the incoming
documents that were registered late."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kansli.org.models import Municipality, Role
from kansli.registry.models import Case, CaseStatus, Direction, Document
from kansli.registry.models.cases import OPEN_STATUSES
from kansli.registry.views.common import authorities_with, current_user, holds, require
from kansli.workdays.calendar import workdays_between
from kansli.workdays.closed import closed_days

# An open case not yet decided is marked once it has been open longer than this.
LONG_OPEN_WORKDAYS = 20
# A case to be decided within this many working days is marked as due soon.
DUE_SOON_WORKDAYS = 5
LATE_PER_PAGE = 50


@dataclass
class MyCase:
    case: Case
    workdays_since_assigned: int | None
    workdays_open: int
    long_open: bool
    # Working days left to the due date (negative: overdue), None without one.
    workdays_left: int | None

    @property
    def overdue(self) -> bool:
        return self.workdays_left is not None and self.workdays_left < 0

    @property
    def due_soon(self) -> bool:
        return self.workdays_left is not None and 0 <= self.workdays_left <= DUE_SOON_WORKDAYS


def _closed(cache: dict[int, frozenset[datetime.date]], place: Municipality) -> frozenset:
    if place.pk not in cache:
        cache[place.pk] = closed_days(place)
    return cache[place.pk]


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    cases = (
        Case.objects.visible_to(user)
        .filter(officer=user, status__in=OPEN_STATUSES)
        .select_related("authority__municipality")
        .order_by(F("due_date").asc(nulls_last=True), "opened_at", "pk")
    )
    closed: dict[int, frozenset[datetime.date]] = {}
    rows = []
    for case in cases:
        days_off = _closed(closed, case.authority.municipality)
        since = case.assigned_at
        open_days = workdays_between(timezone.localdate(case.opened_at), today, days_off)
        left = None
        if case.due_date is not None:
            left = (
                workdays_between(today, case.due_date, days_off)
                if case.due_date >= today
                else -max(1, workdays_between(case.due_date, today, days_off))
            )
        rows.append(
            MyCase(
                case,
                workdays_between(timezone.localdate(since), today, days_off) if since else None,
                open_days,
                case.status != CaseStatus.DECIDED and open_days > LONG_OPEN_WORKDAYS,
                left if case.status != CaseStatus.DECIDED else None,
            )
        )
    context = {"rows": rows, "limit": LONG_OPEN_WORKDAYS, "soon": DUE_SOON_WORKDAYS}
    return render(request, "registry/my_cases.html", context)


@login_required
def late_registrations(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(holds(user, [Role.REGISTRAR]))
    limit = settings.REGISTRATION_LAG_LIMIT
    documents = (
        Document.objects.visible_to(user)
        .filter(
            direction=Direction.INCOMING,
            registration_lag__gt=limit,
            voided_at__isnull=True,
            case__authority__in=authorities_with(user, [Role.REGISTRAR]),
        )
        .select_related("case__authority__municipality", "registered_by")
        .order_by("-registered_at", "-pk")
    )
    page = Paginator(documents, LATE_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "registry/late_registrations.html", {"page": page, "limit": limit})
