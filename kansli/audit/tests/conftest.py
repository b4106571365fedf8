"""Fixtures for the audit tests."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from kansli.audit import triggers
from kansli.audit.chain import record
from kansli.audit.models import AuditEvent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with KANSLI_DATABASE_URL=postgresql://...",
)


def append_events(count: int) -> list[AuditEvent]:
    """`count` events, each in its own (possibly nested) transaction like an action."""
    events = []
    for n in range(1, count + 1):
        with transaction.atomic():
            events.append(
                record(
                    actor=None,
                    action="test.change",
                    label=f"Objekt {n}",
                    before={"n": n - 1, "title": f"Rubrik {n - 1}"},
                    after={"n": n, "title": f"Rubrik {n}"},
                )
            )
    return events


@pytest.fixture
def five_events(db: None) -> list[AuditEvent]:
    return append_events(5)


@pytest.fixture
def triggers_lifted(db: None) -> None:
    """Drop the append-only triggers inside the test's transaction, so the test can
    tamper with events; the rollback at the end of the test brings them back."""
    triggers.drop(connection)
