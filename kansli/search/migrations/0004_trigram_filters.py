"""Indexes for the staff search's sender/party and document-type filters on
PostgreSQL (issue 18: at a million documents each read the whole registry).

- pg_trgm's GIN indexes on the upper-cased sender and party name: Django's
  `icontains` is `UPPER(col::text) LIKE UPPER('%word%')`, which such an index answers
  for words of three letters or more (kansli.search.filters._counterpart).
- An expression index on the upper-cased document type, for `iexact`.

pg_trgm ships with PostgreSQL (Debian's postgresql-contrib is in the server package)
and is a trusted extension: the database's owner may create it. SQLite gets nothing:
its LIKE cannot use an index, and its FTS5 search is measured fast enough without."""

from typing import Any

from django.db import migrations

INDEXES = [
    ("registry_document_counterpart_trgm",
     "registry_document USING gin (UPPER(counterpart::text) gin_trgm_ops)"),
    ("registry_party_name_trgm", "registry_party USING gin (UPPER(name::text) gin_trgm_ops)"),
    ("registry_document_type_upper", "registry_document (UPPER(document_type::text))"),
]  # fmt: skip


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_document_types"),
        ("search", "0003_saved_searches"),
    ]

    operations = [migrations.RunPython(create, drop)]
