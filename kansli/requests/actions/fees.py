"""The municipality's fee schedule for copies (TF 2 kap. 16 §, avgiftsförordningen
15–16 §§ as the default)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.audit.chain import record
from kansli.org.models import Municipality
from kansli.org.permissions import require_sysadmin
from kansli.requests.models import FeeSchedule

FIELDS = ["free_pages", "base_fee", "base_pages", "page_fee"]


@transaction.atomic
def do_set_fee_schedule(
    municipality: Municipality,
    *,
    free_pages: int,
    base_fee: Decimal,
    base_pages: int,
    page_fee: Decimal,
    actor: Any,
) -> FeeSchedule:
    """Set the municipality's fees: up to `free_pages` pages free, then `base_fee` for
    up to `base_pages` pages and `page_fee` for each page after them."""
    require_sysadmin(actor)
    errors: dict[str, str] = {}
    if base_fee < 0 or page_fee < 0:
        errors["base_fee"] = "Avgifterna kan inte vara negativa."
    if base_pages < free_pages:
        errors["base_pages"] = "Grundavgiften måste täcka minst de avgiftsfria sidorna."
    if errors:
        raise ValidationError(errors)
    schedule = FeeSchedule.objects.filter(municipality=municipality).first()
    before = {f: str(getattr(schedule, f)) for f in FIELDS} if schedule else None
    schedule = schedule or FeeSchedule(municipality=municipality)
    schedule.free_pages, schedule.base_fee = free_pages, base_fee
    schedule.base_pages, schedule.page_fee = base_pages, page_fee
    schedule.save()
    record(
        actor=actor,
        action="requests.set_fee_schedule",
        obj=schedule,
        before=before,
        after={f: str(getattr(schedule, f)) for f in FIELDS},
    )
    return schedule
