"""The document type as a facet token in every document's staff and public index rows
(kansli.search.text.document_type_token), so that the full-text engine narrows a search
by type itself: at a million documents on PostgreSQL a common word of one type walked
every newer hit of the word to test its type (0.7 s).

Rows written from now on carry the token; this adds it to the rows already there, in
batches of 5,000 documents, without touching their words: 94 s for a million documents
on PostgreSQL (bench/scale.py's registry, in a transaction rolled back, with other work
on the machine). Stop the web and worker processes while it runs (README, "An
upgrade"): rows the old code writes meanwhile lack the token until `kansli search
reindex`. Backwards nothing is undone: an extra token narrows nothing that the older
code asks for, and running this twice only repeats a token."""

from typing import Any

from django.db import migrations

BATCH = 5_000
TABLES = ("search_document", "search_public")
APPEND = {
    "postgresql": "UPDATE {t} SET facets = facets || to_tsvector('simple', %s) WHERE rowid = %s",
    "sqlite": "UPDATE {t} SET facets = facets || ' ' || %s WHERE rowid = %s",
}


def add_tokens(apps: Any, schema_editor: Any) -> None:
    from kansli.search.text import document_type_token

    connection = schema_editor.connection
    append = APPEND[connection.vendor]
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, document_type FROM registry_document "
                "WHERE id > %s AND document_type <> '' ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            tokens = [(document_type_token(kind), pk) for pk, kind in rows]
            tokens = [(token, pk) for token, pk in tokens if token is not None]
            for table in TABLES:
                cursor.executemany(append.format(t=table), tokens)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_trigram_filters"), ("registry", "0013_document_types")]

    operations = [migrations.RunPython(add_tokens, migrations.RunPython.noop, elidable=False)]
