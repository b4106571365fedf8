"""The public e-diary's index table (schema.PUBLIC). Registrations made before it are
added by `kansli search reindex`."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from kansli.search import schema


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.create(schema_editor.connection, schema.PUBLIC, terms=False)


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.drop(schema_editor.connection, schema.PUBLIC, terms=False)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("registry", "0008_document_counterpart_is_private"),
        ("public", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PublicEntry",
                    fields=[
                        ("document", models.OneToOneField(
                            db_column="rowid", db_constraint=False,
                            on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                            related_name="public_entry", serialize=False,
                            to="registry.document",
                        )),
                        ("body", models.TextField()),
                        ("facets", models.TextField()),
                    ],
                    options={"db_table": "search_public"},
                ),
            ],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        ),
    ]
