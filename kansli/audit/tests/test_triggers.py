"""The database itself refuses to change or remove audit events."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from kansli.audit import triggers
from kansli.audit.apps import reinstall_triggers
from kansli.audit.models import AuditEvent
from kansli.audit.tests.conftest import append_events, on_postgresql

pytestmark = pytest.mark.usefixtures("five_events")


def raw(sql: str) -> Callable[[], None]:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    return run


def save_a_changed_event() -> None:
    event = AuditEvent.objects.get(seq=2)
    event.action = "test.forged"
    event.save()


@pytest.mark.parametrize(
    "change",
    [
        raw("UPDATE audit_auditevent SET action = 'test.forged' WHERE seq = 2"),
        raw("UPDATE audit_auditevent SET before = NULL"),
        raw("DELETE FROM audit_auditevent WHERE seq = 5"),
        raw("DELETE FROM audit_auditevent"),
        lambda: AuditEvent.objects.filter(seq=2).update(action="test.forged"),
        lambda: AuditEvent.objects.filter(seq__gte=4).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.get(seq=5).delete(),
        save_a_changed_event,
    ],
    ids=[
        "sql-update",
        "sql-update-all",
        "sql-delete",
        "sql-delete-all",
        "orm-update",
        "orm-delete",
        "orm-delete-all",
        "instance-delete",
        "instance-save",
    ],
)
def test_changing_or_deleting_events_is_refused(change: Callable[[], None]) -> None:
    with pytest.raises(IntegrityError, match="audit events are append-only"), transaction.atomic():
        change()

    assert list(AuditEvent.objects.values_list("seq", "action")) == [
        (n, "test.change") for n in range(1, 6)
    ]


def test_appending_is_still_allowed() -> None:
    append_events(1)

    assert AuditEvent.objects.count() == 6


@on_postgresql
@pytest.mark.postgres
def test_truncate_is_refused_while_there_are_events() -> None:
    with pytest.raises(IntegrityError, match="audit events are append-only"), transaction.atomic():
        raw("TRUNCATE audit_auditevent")()

    assert AuditEvent.objects.count() == 5


@on_postgresql
@pytest.mark.postgres
def test_truncate_of_an_empty_log_is_allowed(triggers_lifted: None) -> None:
    raw("DELETE FROM audit_auditevent")()
    triggers.install(connection)

    raw("TRUNCATE audit_auditevent")()

    assert triggers.installed(connection)


def test_install_and_drop_can_be_repeated(triggers_lifted: None) -> None:
    triggers.drop(connection)
    assert not triggers.installed(connection)
    raw("UPDATE audit_auditevent SET action = 'test.lifted' WHERE seq = 1")()

    triggers.install(connection)
    triggers.install(connection)

    assert triggers.installed(connection)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw("DELETE FROM audit_auditevent")()


def test_migrate_puts_missing_triggers_back(triggers_lifted: None) -> None:
    assert not triggers.installed(connection)

    call_command("migrate", verbosity=0)

    assert triggers.installed(connection)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite remakes altered tables")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_remakes_the_table_on_sqlite_keeps_the_triggers() -> None:
    """SQLite alters a table by copying it to a new one, and the triggers are lost
    with the old table: the post_migrate handler puts them back."""
    old = AuditEvent._meta.get_field("action")
    assert isinstance(old, models.CharField)
    new: models.CharField[str, str] = models.CharField(max_length=101, db_index=True)
    new.set_attributes_from_name("action")
    new.model = AuditEvent
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(AuditEvent, old, new)
        assert not triggers.installed(connection)

        reinstall_triggers(using=connection.alias)

        assert triggers.installed(connection)
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(AuditEvent, new, old)
        reinstall_triggers(using=connection.alias)
    assert triggers.installed(connection)
