"""The public e-diary's search (query.public_search) as plain statements.

The staff search composes its query through the ORM, as the access gate and its many
filters need. The public e-diary has no gate (every registration is in it, as its
public index row shows it) and six filters, and is asked on every uncached diary page:
there the ORM's composing cost ten times what running the query does (0.75 of 0.85 ms
a search, bench/public.py). So its statement is written here, in the same form as the
ORM's (the index row's full-text match, and an EXISTS over the registration with the
filters on the registry's columns, the truth); kansli/search/tests/test_public_sql.py
compares the two on every filter and their combinations, on both databases. The facet
tokens and the full-text match are filters.plan's and querylang's own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from kansli.rows import execute
from kansli.search.filters import Filters, cases_of_protected_named_in
from kansli.search.querylang import ParsedQuery, Term, facets_tsquery, fts5_expression, tsquery_sql


def newest_ids(
    query: ParsedQuery,
    filters: Filters,
    facets: list[list[str]],
    series: Sequence[int] | None,
    limit: int,
    window: int,
) -> list[int]:
    """The ids of the newest `limit` registrations whose public index row matches the
    query's terms and the facets, and that pass the filters and the query's case number
    (`series`: the ids of the authorities with its series' code, None without one). On
    PostgreSQL the newest `window` rows by their key, then older ones (query.py's
    POSTGRESQL_WINDOW)."""
    conditions = _conditions(query, filters, series)
    if conditions is None:
        return []
    match, match_params = _match(query.terms, facets)
    where = " AND ".join(["d.id = sp.rowid", *conditions.where])
    join = " JOIN registry_case c ON c.id = d.case_id" if conditions.on_case else ""
    # Only fixed text and placeholders go into the statement; every value is a parameter.
    exists = f"EXISTS(SELECT 1 FROM registry_document d{join} WHERE {where})"  # noqa: S608
    base = f"SELECT sp.rowid FROM search_public sp WHERE {' AND '.join([*match, exists])}"  # noqa: S608
    values = [*match_params, *conditions.params]
    if connection.vendor != "postgresql":
        return _ids(f"{base} ORDER BY sp.rowid DESC LIMIT %s", [*values, limit])
    newest = execute("SELECT MAX(rowid) FROM search_public").fetchone()[0] or 0
    edge = newest - window
    found = _ids(f"{base} AND sp.rowid > %s ORDER BY sp.rowid DESC LIMIT %s",
                 [*values, edge, limit])  # fmt: skip
    if len(found) < limit:
        # "rowid + 0" is not the primary key: the planner cannot walk its index.
        found += _ids(f"{base} AND sp.rowid <= %s ORDER BY sp.rowid + 0 DESC LIMIT %s",
                      [*values, edge, limit - len(found)])  # fmt: skip
    return found


def _ids(sql: str, params: list[Any]) -> list[int]:
    return [pk for (pk,) in execute(sql, params).fetchall()]


def _match(terms: Sequence[Term], facets: list[list[str]]) -> tuple[list[str], list[Any]]:
    """expressions.Matches on the public index."""
    if not terms and not facets:
        return [], []
    if connection.vendor != "postgresql":
        return ["sp.search_public MATCH %s"], [fts5_expression(terms, facets)]
    sql: list[str] = []
    params: list[Any] = []
    if terms:
        terms_sql, params = tsquery_sql(terms)
        sql.append(f"sp.body @@ ({terms_sql})")
    if facets:
        sql.append("sp.facets @@ to_tsquery('simple', %s)")
        params.append(facets_tsquery(facets))
    return sql, params


@dataclass
class _Conditions:
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    on_case: bool = False  # whether a condition is on the case (c)

    def add(self, sql: str, *values: Any, case: bool = False) -> None:
        self.where.append(sql)
        self.params.extend(values)
        self.on_case |= case


def _conditions(
    query: ParsedQuery, filters: Filters, series: Sequence[int] | None
) -> _Conditions | None:
    """filters.plan's conditions on the registration (d) and its case (c) for the
    filters the public e-diary has; None when nothing can match (a series code no
    authority has)."""
    found = _Conditions()
    if filters.authority is not None:
        found.add("c.authority_id = %s", filters.authority, case=True)
    if filters.year is not None:
        found.add("c.year = %s", filters.year, case=True)
    number = query.case_number
    if number is not None:
        found.add("c.year = %s AND c.number = %s", number.year, number.number, case=True)
        if number.series:
            if not series:
                return None
            marks = ", ".join(["%s"] * len(series))
            found.add(f"((c.series_id IS NULL AND c.authority_id IN ({marks})) "
                      f"OR c.series_id IN ({marks}))", *series, *series, case=True)  # fmt: skip
        if number.document is not None:
            found.add("d.number = %s", number.document)
    if filters.direction is not None:
        found.add("d.direction = %s", filters.direction)
    if filters.document_type is not None:
        _document_type(filters.document_type, found)
    if filters.date_from is not None:
        found.add("d.document_date >= %s", filters.date_from)
    if filters.date_to is not None:
        found.add("d.document_date <= %s", filters.date_to)
    return found


def _document_type(document_type: str, found: _Conditions) -> None:
    """filters._document_type: the type in any case (Django's iexact on each database),
    never through a name of a party with protected identity (OSL 21 kap. 3 §)."""
    if connection.vendor == "postgresql":
        found.add("UPPER(d.document_type::text) = UPPER(%s)", document_type)
    else:
        like = connection.ops.prep_for_iexact_query(document_type)
        found.add("d.document_type LIKE %s ESCAPE '\\'", like)
    named = sorted(cases_of_protected_named_in(document_type))
    if named:
        found.add(f"NOT (d.case_id IN ({', '.join(['%s'] * len(named))}))", *named)
