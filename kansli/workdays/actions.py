"""Changing the closed days. Every change is made here and writes an audit event in
the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from kansli.audit.chain import record
from kansli.org.models import Municipality
from kansli.org.permissions import require_sysadmin
from kansli.workdays.models import ClosedDay


def do_add_closed_day(
    municipality: Municipality, date: datetime.date, reason: str, *, actor: Any
) -> ClosedDay:
    with transaction.atomic():
        require_sysadmin(actor)
        closed_day = ClosedDay(municipality=municipality, date=date, reason=reason)
        closed_day.full_clean()
        closed_day.save()
        record(
            actor=actor,
            action="workdays.add_closed_day",
            obj=closed_day,
            after={"municipality": municipality.pk, "date": date, "reason": reason},
        )
        return closed_day


def do_remove_closed_day(closed_day: ClosedDay, *, actor: Any) -> None:
    with transaction.atomic():
        require_sysadmin(actor)
        record(
            actor=actor,
            action="workdays.remove_closed_day",
            obj=closed_day,
            before={
                "municipality": closed_day.municipality_id,
                "date": closed_day.date,
                "reason": closed_day.reason,
            },
        )
        closed_day.delete()
