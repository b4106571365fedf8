"""Completing the last word of a query on SQLite (type-ahead), see schema.py: prefixes
of up to 4 letters are read from FTS5's prefix indexes; a longer one is replaced by
the indexed words it begins, when there are not too many of them."""

from __future__ import annotations

import dataclasses

from django.db import connection

from kansli.search.querylang import ParsedQuery

_COMPLETIONS = "SELECT term FROM search_term WHERE term >= %s AND term < %s ORDER BY term LIMIT %s"
# Longest prefix with an FTS5 prefix index (schema.py: prefix = '2 3 4').
INDEXED_PREFIX = 4
# More completions than this and FTS5's own prefix query is used: slower for a common
# prefix, but complete. Alternatives cost FTS5 one cursor each for every hit.
MAX_COMPLETIONS = 200


def completed(query: ParsedQuery) -> ParsedQuery:
    """The query with its long prefixes completed (SQLite; unchanged elsewhere)."""
    if connection.vendor != "sqlite":
        return query
    terms = tuple(
        dataclasses.replace(term, completions=completions(term.words[0]))
        if term.prefix and len(term.words[0]) > INDEXED_PREFIX
        else term
        for term in query.terms
    )
    return dataclasses.replace(query, terms=terms)


def completions(prefix: str) -> tuple[str, ...] | None:
    """The indexed words that begin with `prefix`; None for none or too many."""
    with connection.cursor() as cursor:
        # Text compares as UTF-8 bytes: every word beginning with the prefix lies
        # between it and the prefix followed by the highest code point.
        cursor.execute(_COMPLETIONS, [prefix, prefix + "\U0010ffff", MAX_COMPLETIONS + 1])
        found = tuple(row[0] for row in cursor.fetchall())
    return found if 0 < len(found) <= MAX_COMPLETIONS else None
