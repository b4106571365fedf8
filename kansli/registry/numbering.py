"""Case numbers: one series per authority and year, without gaps or duplicates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.org.models import Authority
from kansli.registry.models import Case, CaseCounter, CaseStatus
from kansli.rows import execute


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


def next_document_number(case: Case) -> int:
    """Take the next document number in a case (KS 2026/142-3). The UPDATE locks the
    case row until the registration commits, so two documents never share a number; a
    voided case takes no more documents (the raised error rolls the UPDATE back). The
    case's title, classification and unit come back with the number, so `case` holds
    their current values from here on (the caller's copy may be older)."""
    number, status, title, classification_id, unit_id = execute(
        "UPDATE registry_case SET last_document_number = last_document_number + 1 "
        "WHERE id = %s RETURNING last_document_number, status, title, classification_id, unit_id",
        [case.pk],
    ).fetchone()
    if status == CaseStatus.VOIDED:
        raise ValidationError({"case": "Ärendet är makulerat."})
    case.last_document_number, case.status, case.title = number, status, title
    case.classification_id, case.unit_id = classification_id, unit_id
    return int(number)
