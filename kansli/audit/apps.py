from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kansli.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        post_migrate.connect(reinstall_triggers, sender=self)


def reinstall_triggers(*, using: str, **kwargs: Any) -> None:
    """Put the append-only triggers back after every migrate (and flush).

    On SQLite, Django alters a table by creating a new one, copying the rows and
    dropping the old table, and the triggers go with the old table. Re-installing
    them here (it is idempotent) keeps a later migration of AuditEvent from silently
    lifting the protection. Nothing is done before migration 0002 is applied, nor when
    the audit tables do not exist."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    from kansli.audit import triggers

    connection = connections[using]
    if triggers.TABLE not in connection.introspection.table_names():
        return
    module, _explicit = MigrationLoader.migrations_module("audit")
    applied = MigrationRecorder(connection).applied_migrations()
    if module is not None and ("audit", "0002_append_only_triggers") not in applied:
        return  # migrated back to before the triggers (migrations disabled: always)
    forgetting = ("audit", "0004_reseal_chain") in applied or module is None
    with transaction.atomic(using=using):
        triggers.install(connection, forgetting=forgetting)
