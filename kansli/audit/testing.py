"""Test helpers for a database whose audit events cannot be deleted.

pytest-django empties the database after every transactional test (`transactional_db`,
`live_server`, `django_db_reset_sequences`, `@pytest.mark.django_db(transaction=True)`)
with DELETE on SQLite and TRUNCATE on PostgreSQL, and the append-only triggers refuse
both while audit events remain. `audit_rows_cleared` removes them first.

The root conftest.py registers this module as a plugin, which makes the fixture apply
to every test:

    pytest_plugins = ["kansli.audit.testing"]
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections, router, transaction

# Fixtures after which pytest-django flushes the database.
TRANSACTIONAL_FIXTURES = frozenset({"transactional_db", "live_server", "django_db_reset_sequences"})


def clear_audit_rows(using: str | None = None) -> None:
    """Delete every audit event and the chain head, with the triggers lifted for the
    moment it takes; in one transaction, so the triggers are back whatever happens.
    For tests only: this is exactly what the triggers exist to prevent."""
    from kansli.audit import triggers
    from kansli.audit.models import AuditEvent, ChainHead

    alias = using or router.db_for_write(AuditEvent)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        events, heads = AuditEvent.objects.using(alias), ChainHead.objects.using(alias)
        if not events.exists() and not heads.exists() and triggers.installed(connection):
            return
        triggers.drop(connection)
        events.all().delete()
        heads.all().delete()
        triggers.install(connection)


def is_transactional(request: pytest.FixtureRequest) -> bool:
    """Whether pytest-django will flush the database after this test (Django's own
    TestCase classes flush inside the test call, where no fixture can step in)."""
    from pytest_django.django_compat import is_django_unittest

    if is_django_unittest(request):
        return False
    if TRANSACTIONAL_FIXTURES.intersection(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False
    from pytest_django.fixtures import validate_django_db

    transactional, reset_sequences, *_rest = validate_django_db(marker)
    return bool(transactional or reset_sequences)


@pytest.fixture(autouse=True)
def audit_rows_cleared(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a transactional test, clear the audit log before pytest-django's flush.

    Requesting `transactional_db` here (a no-op if the test already has it) makes this
    fixture depend on it, and pytest tears a fixture down before the fixtures it
    depends on: so the clearing runs after the test and before the flush."""
    if not is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    clear_audit_rows()
