"""Case numbers: one series per authority and year, without gaps or duplicates."""

from __future__ import annotations

from django.db import transaction

from kansli.org.models import Authority
from kansli.registry.models import CaseCounter


def next_case_number(authority: Authority, year: int) -> int:
    """Take the next number in the series. Must run inside the registering transaction:
    the counter row stays locked until it commits, so a rolled-back registration gives
    its number back and concurrent registrations queue (SQLite: the write lock taken by
    BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on the counter row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case numbers are taken inside the registering transaction")
    CaseCounter.objects.bulk_create(
        [CaseCounter(authority=authority, year=year)], ignore_conflicts=True
    )
    counter = CaseCounter.objects.select_for_update().get(authority=authority, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
