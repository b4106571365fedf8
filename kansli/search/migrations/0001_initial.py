"""The search index tables: FTS5 virtual tables on SQLite, tsvector tables with GIN
indexes on PostgreSQL (see kansli/search/schema.py). Django's migration state gets
plain models so that it can join them and flush them in tests; the database gets the
tables only the full-text engines can make."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from kansli.search import schema


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.create(schema_editor.connection, schema.FIRST)


def drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.drop(schema_editor.connection, schema.FIRST)


def entry(name: str, field: str, to: str, table: str) -> migrations.CreateModel:
    return migrations.CreateModel(
        name=name,
        fields=[
            (field, models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to=to)),
            ('body', models.TextField()),
            ('facets', models.TextField()),
        ],
        options={'db_table': table},
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                entry('DocumentEntry', 'document', 'registry.document', 'search_document'),
                entry('CaseEntry', 'case', 'registry.case', 'search_case'),
            ],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        ),
    ]
