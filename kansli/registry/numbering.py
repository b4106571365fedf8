"""Case numbers: one series per authority and year, without gaps or duplicates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.org.models import Authority
from kansli.registry.models import Case, CaseStatus
from kansli.rows import execute


def next_case_number(authority: Authority, year: int) -> int:
    """Take the next number in the series. Must run inside the registering transaction:
    the counter row stays locked until it commits, so a rolled-back registration gives
    its number back and concurrent registrations queue (SQLite: the write lock taken by
    BEGIN IMMEDIATE; PostgreSQL: the row lock of the UPDATE). One statement once the
    year's row exists, so callers can take the number late (do_register_case). Not an
    upsert: PostgreSQL's ON CONFLICT waits for the holder's transaction itself, so at
    each commit every waiting registration wakes at once to race for the row, where the
    UPDATE queues them on the row lock and wakes one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case numbers are taken inside the registering transaction")
    for _attempt in range(2):
        found = execute(
            "UPDATE registry_casecounter SET last_number = last_number + 1 "
            "WHERE authority_id = %s AND year = %s RETURNING last_number",
            [authority.pk, year],
        ).fetchone()
        if found is not None:
            return int(found[0])
        execute(
            "INSERT INTO registry_casecounter (authority_id, year, last_number) "
            "VALUES (%s, %s, 0) ON CONFLICT (authority_id, year) DO NOTHING",
            [authority.pk, year],
        )
    raise RuntimeError("the case counter row cannot be created")


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
