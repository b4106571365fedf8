"""Refuse UPDATE, DELETE and TRUNCATE on audit events in the database itself.

The audit log is part of the authority's archive, which Arkivlagen (1990:782) requires
it to preserve and protect; the hash chain makes tampering evident, and these triggers
make it fail. See kansli/audit/triggers.py for the SQL."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from kansli.audit import triggers


def install(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.install(schema_editor.connection, forgetting=False)  # no salts before 0003


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, drop, elidable=False),
    ]
