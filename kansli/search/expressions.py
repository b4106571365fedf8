"""`Matches`: the full-text condition on an index table, as a Django expression, so that
it sits in the same ORM query as the access filter and the registry filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F, FloatField
from django.db.models.expressions import Col

from kansli.search.querylang import Term, facets_tsquery, fts5_expression, tsquery_sql


class _OnIndex(Expression):
    """An expression on an index table (DocumentEntry, CaseEntry, PublicEntry). It
    refers to the table through its `body` column, so that Django gives it the table's
    alias in whatever query it ends up in (a subquery is re-aliased)."""

    def __init__(self, terms: Sequence[Term], facets: Sequence[Sequence[str]]) -> None:
        super().__init__()
        if not terms and not facets:
            raise ValueError(f"{type(self).__name__} needs terms or facets")
        self.terms, self.facets = list(terms), [list(group) for group in facets]
        self.body: Any = F("body")

    def get_source_expressions(self) -> list[Any]:
        return [self.body]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.body,) = exprs

    def _column(self, compiler: Any, name: str) -> str:
        if not isinstance(self.body, Col):
            raise TypeError(f"{type(self).__name__} must be resolved against an index table")
        quote = compiler.quote_name_unless_alias
        return f"{quote(self.body.alias)}.{quote(name)}"

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError(f"Search has no full-text query for {connection.vendor}")


class Matches(_OnIndex):
    """True for index rows that have all `terms` in their body and one token of every
    facet group. Filter on it: `entries.filter(Matches(...))`."""

    conditional = True
    output_field = BooleanField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # FTS5 matches a whole row through the hidden column named after the table.
        table = self.body.target.model._meta.db_table
        expression = fts5_expression(self.terms, self.facets)
        return f"{self._column(compiler, table)} MATCH %s", [expression]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql: list[str] = []
        params: list[Any] = []
        if self.terms:
            terms_sql, params = tsquery_sql(self.terms)
            sql.append(f"{self._column(compiler, 'body')} @@ ({terms_sql})")
        if self.facets:
            sql.append(f"{self._column(compiler, 'facets')} @@ to_tsquery('simple', %s)")
            params.append(facets_tsquery(self.facets))
        return "(" + " AND ".join(sql) + ")", params


class Relevance(_OnIndex):
    """How well an index row matches the terms, higher is better: FTS5's bm25 over the
    words only (the facets weigh nothing) on SQLite, ts_rank_cd on PostgreSQL. Only in a
    query that also filters on Matches with the same terms (FTS5 ranks a MATCH)."""

    conditional = False
    output_field = FloatField()

    def __init__(self, terms: Sequence[Term]) -> None:
        super().__init__(terms, [])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(self.body.alias)
        return f"(-bm25({alias}, 1.0, 0.0))", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        terms_sql, params = tsquery_sql(self.terms)
        return f"ts_rank_cd({self._column(compiler, 'body')}, ({terms_sql}))", params
