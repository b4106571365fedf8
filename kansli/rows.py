"""Plain statements for the paths that run on every registration (and on every
uncached page of the public e-diary: kansli.search.public, kansli.public.record).

Registering a document runs a dozen statements (the document number, the row, its
timeline entry, the audit event and chain head, the search index). Through the ORM,
composing each costs more than the database spends running it, and even Django's cursor
wrapper costs ten times the driver's own execute (bench/registry.py has the figures).
So these paths use:

- `execute()`: one statement on the driver's own cursor of the default database, with
  `%s` placeholders on both databases and database errors turned into Django's, as the
  wrapper does. It is not logged as a query, also not with DEBUG on.
- `insert()`: one model row, with the INSERT composed once per model and database; the
  values go through each field's own `pre_save` and `get_db_prep_save` as `save()`
  does, so dates, JSON and foreign keys are stored exactly alike. It sends no
  `pre_save`/`post_save` signals (Kansli connects none) and does not validate: the
  calling action has.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

_statements: dict[type[Model], tuple[str, list[Field[Any, Any]]]] = {}
M = TypeVar("M", bound=Model)


def execute(sql: str, params: Sequence[Any] = ()) -> Any:
    """Run one statement; returns the driver's cursor, to fetch from."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.wrap_database_errors:
        cursor = _cursor(connection)
        cursor.execute(_native(connection.vendor, sql), params)
    return cursor


def execute_many(sql: str, rows: Iterable[Sequence[Any]]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.wrap_database_errors:
        _cursor(connection).executemany(_native(connection.vendor, sql), rows)


def _cursor(connection: Any) -> Any:
    if connection.connection is None:  # ensure_connection() costs more than the query
        connection.ensure_connection()
    return connection.connection.cursor()


@functools.cache
def _native(vendor: str, sql: str) -> str:
    """The statement in the driver's placeholder style (sqlite3: `?`)."""
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def insert(instance: M) -> M:
    """INSERT `instance` as a new row and set its primary key (the database's own)."""
    sql, values = insert_statement(instance)
    instance.pk = execute(sql, values).fetchone()[0]
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


def insert_statement(instance: Model) -> tuple[str, list[Any]]:
    """The INSERT ... RETURNING of `insert` and its values, to run as part of another
    statement (kansli.audit.chain: in a WITH query)."""
    connection = connections[DEFAULT_DB_ALIAS]
    sql, fields = _statements.get(type(instance)) or _compose(type(instance))
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection)
              for field in fields]  # fmt: skip
    return sql, values


def _compose(model: type[Model]) -> tuple[str, list[Field[Any, Any]]]:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = quote(meta.pk.column) if meta.pk else "id"
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 (names from the model)
    _statements[model] = sql, fields
    return sql, fields
