"""The index tables in each database's own full-text engine, created by the migration.

Three tables of the same shape: `search_document`, one row per registered document with
rowid = the document's id, and `search_case`, one row per case that has no document
yet (a case is otherwise found through its documents, whose rows carry its text), for
staff; and `search_public`, one row per document with only what the public e-diary
shows (kansli.public.record). Each row has the searchable words (`body`) and the filter
tokens (`facets`, see text.py).

- SQLite: FTS5 virtual tables. `unicode61 remove_diacritics 0` keeps å, ä and ö as
  letters of their own, as Swedish has them (a search for "for" must not find "för").
  `columnsize=0` leaves out the per-row token counts that only bm25() ranking needs;
  results are ordered by rowid, newest first, which FTS5 delivers in index order and
  can stop after the first page. `detail=full` keeps positions for "quoted phrases".

  Type-ahead (the last word as a prefix) needs care: for a prefix without a prefix
  index FTS5 first merges the hits of every word it begins into one list, which for
  "ansökan*" at a million documents is 600,000 hits and 150 ms, before the first row
  comes out. So prefixes of 2 to 4 letters have prefix indexes (streamed like a word),
  and a longer prefix is expanded into its words from `search_term`, the list of every
  word ever indexed (a WITHOUT ROWID b-tree, so a range lookup is one seek), and
  searched as ("ansökan" OR "ansökande"), which FTS5 streams newest first too.
- PostgreSQL: ordinary tables with `tsvector` columns (words under the `swedish`
  configuration, so that ritningar finds ritning; facets under `simple`) and GIN
  indexes, queried with `@@`; prefixes with `:*`.
"""

from __future__ import annotations

from typing import Any

TABLES = ("search_document", "search_case", "search_public")
# The tables each migration made: the first made the staff index and the term list.
FIRST = ("search_document", "search_case")
PUBLIC = ("search_public",)
TERMS = "search_term"

_SQLITE = """CREATE VIRTUAL TABLE {table} USING fts5(
    body, facets,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3 4',
    columnsize = 0,
    detail = full
)"""
_SQLITE_TERMS = f"CREATE TABLE {TERMS} (term TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID"

_POSTGRESQL = [
    "CREATE TABLE {table} (rowid bigint PRIMARY KEY, body tsvector NOT NULL, "
    "facets tsvector NOT NULL)",
    "CREATE INDEX {table}_body ON {table} USING gin (body)",
    "CREATE INDEX {table}_facets ON {table} USING gin (facets)",
]


def create_statements(
    vendor: str, tables: tuple[str, ...] = TABLES, terms: bool = True
) -> list[str]:
    if vendor == "sqlite":
        return [*(_SQLITE.format(table=table) for table in tables)] + (
            [_SQLITE_TERMS] if terms else []
        )
    if vendor == "postgresql":
        return [statement.format(table=table) for table in tables for statement in _POSTGRESQL]
    raise NotImplementedError(f"Search has no index for {vendor}")


def create(connection: Any, tables: tuple[str, ...] = TABLES, terms: bool = True) -> None:
    with connection.cursor() as cursor:
        for statement in create_statements(connection.vendor, tables, terms):
            cursor.execute(statement)


def drop(connection: Any, tables: tuple[str, ...] = TABLES, terms: bool = True) -> None:
    with connection.cursor() as cursor:
        for table in (*tables, *([TERMS] if terms else [])):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
