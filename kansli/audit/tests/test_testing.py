"""`audit_rows_cleared` empties the audit log after a transactional test and before
pytest-django's flush, which the append-only triggers would otherwise refuse.

Each of the first tests leaves events behind in its own way of being transactional;
that they end without an error at teardown shows that the clearing ran before the
flush (the last test shows that the flush fails while events remain)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kansli.audit import triggers
from kansli.audit.models import AuditEvent, ChainHead
from kansli.audit.testing import clear_audit_rows
from kansli.audit.tests.conftest import append_events


def test_transactional_db(transactional_db: None) -> None:
    append_events(3)


@pytest.mark.django_db(transaction=True)
def test_the_transaction_marker() -> None:
    append_events(3)


def test_live_server(live_server: object) -> None:
    append_events(3)


def test_django_db_reset_sequences(django_db_reset_sequences: None) -> None:
    append_events(3)


def test_an_ordinary_test_is_left_to_its_rollback(db: None, request: pytest.FixtureRequest) -> None:
    append_events(3)

    assert "transactional_db" not in request.fixturenames


def test_without_clearing_the_flush_is_refused(transactional_db: None) -> None:
    append_events(3)

    with pytest.raises(CommandError, match="couldn't be flushed"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 3

    clear_audit_rows()

    assert not AuditEvent.objects.exists()
    assert not ChainHead.objects.exists()
    assert triggers.installed(connection)
    call_command("flush", interactive=False, verbosity=0)
    assert append_events(1)[0].seq == 1
