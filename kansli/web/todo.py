"""What the start page says is to be done next (issue 15, item 7), read through the gate:
the officer's open cases, overdue ones and those due within a week; the requests for
public documents still unanswered at the authorities the user registers for, with the
oldest one's day (TF 2 kap. 15 §: as soon as possible)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kansli.registry.models import Case
from kansli.registry.views.lists import OPEN_STATUSES
from kansli.requests.views.overview import listed

SOON_DAYS = 7


@dataclass(frozen=True)
class ToDo:
    cases: int
    overdue: int
    due_soon: int
    requests: int
    oldest_request: datetime.datetime | None

    def __bool__(self) -> bool:
        return bool(self.cases or self.requests)


def to_do(user: Any) -> ToDo:
    today = timezone.localdate()
    week = (today, today + datetime.timedelta(SOON_DAYS))
    mine = Case.objects.visible_to(user).filter(officer=user, status__in=OPEN_STATUSES)
    waiting = listed(user)
    oldest = waiting.values_list("received_at", flat=True).first()
    return ToDo(
        cases=mine.count(),
        overdue=mine.filter(due_date__lt=today).count(),
        due_soon=mine.filter(due_date__range=week).count(),
        requests=waiting.count(),
        oldest_request=oldest,
    )
