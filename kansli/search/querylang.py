"""The search box's language, and its translation for each database.

    bygglov ekbacken          both words (in any field of the registration)
    "ansökan om bygglov"      the words in this order
    ansök                     the last word also as the start of a word (type-ahead)
    KS 2026/142 yttrande      a case number anywhere, in any spelling, matched exactly

A query is parsed into terms; only words (runs of letters and digits, see text.py)
reach the databases, each quoted, so no input is read as full-text syntax. Small
Swedish function words (och, om, för, ...) are left out between other words, as
PostgreSQL's swedish configuration leaves them out of its index; inside a "phrase"
they stay."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kansli.registry.casenumber import CaseNumberQuery, find_case_number
from kansli.search.text import words

STOP_WORDS = frozenset(
    [
        "och",
        "att",
        "i",
        "på",
        "av",
        "för",
        "om",
        "med",
        "till",
        "som",
        "en",
        "ett",
        "det",
        "den",
        "de",
        "är",
        "var",
        "vid",
        "från",
        "har",
        "inte",
    ]
)

# Words people put before a case number ("dnr KS 2026/142"): not searched for beside one.
CASE_NUMBER_WORDS = frozenset({"dnr", "diarienr", "diarienummer", "ärendenr", "ärendenummer"})

_QUOTED = re.compile(r'"([^"]*)("|$)')


@dataclass(frozen=True)
class Term:
    """Words that must occur: one word, or a phrase (the words in order). `prefix`:
    the (last) word may also be the start of a longer word; `completions`, when known,
    are all the indexed words it begins (see schema.py: searched as alternatives)."""

    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    completions: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ParsedQuery:
    """What a user typed: the case number in it, if any, and the terms of the rest."""

    case_number: CaseNumberQuery | None
    terms: tuple[Term, ...]


def parse_query(text: str, is_series: Callable[[str], bool] | None = None) -> ParsedQuery:
    """Parse the search box. `is_series` tells a series (an authority's code) from a
    word in front of a case number; see casenumber.find_case_number."""
    case_number, rest = find_case_number(text, is_series)
    terms: list[Term] = []
    bare: list[str] = []
    position = 0
    for match in _QUOTED.finditer(rest):
        bare.extend(words(rest[position : match.start()]))
        phrase = tuple(words(match[1]))
        if phrase:
            terms.append(Term(phrase, phrase=len(phrase) > 1))
        position = match.end()
    tail = words(rest[position:])
    bare.extend(tail)
    if case_number is not None:
        bare = [word for word in bare if word not in CASE_NUMBER_WORDS]
        tail = [word for word in tail if word not in CASE_NUMBER_WORDS]
    meaningful = [word for word in bare if word not in STOP_WORDS]
    for index, word in enumerate(bare):
        # One letter is too little to complete (and would read every word it begins).
        last = index == len(bare) - 1 and bool(tail) and len(word) > 1
        if last:
            terms.append(Term((word,), prefix=True))
        elif word not in STOP_WORDS or not meaningful:
            terms.append(Term((word,)))
    return ParsedQuery(case_number, tuple(terms))


def fts5_expression(terms: Sequence[Term], facets: Sequence[Sequence[str]]) -> str:
    """The FTS5 MATCH string: the terms in the body column and every facet group (one
    of its tokens) in the facets column. Terms and facets are words of letters and
    digits, each written as an FTS5 string, so nothing is read as syntax."""
    parts = []
    if terms:
        parts.append("{body}: (" + " AND ".join(_fts5_term(term) for term in terms) + ")")
    if facets:
        groups = " AND ".join("(" + " OR ".join(map(_facet, group)) + ")" for group in facets)
        parts.append("{facets}: (" + groups + ")")
    return " AND ".join(parts)


_FACET = re.compile(r"[a-z0-9]+")


def _facet(token: str) -> str:
    """A facet token, checked: made from ids and choices, never from typed text, it
    must still never be able to be read as query syntax by either database."""
    if not _FACET.fullmatch(token):
        raise ValueError(f"not a facet token: {token!r}")
    return token


def _fts5_term(term: Term) -> str:
    if term.prefix and term.completions:
        return "(" + " OR ".join(f'"{word}"' for word in term.completions) + ")"
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def tsquery_sql(terms: Sequence[Term]) -> tuple[str, list[str]]:
    """The PostgreSQL tsquery for the terms (all of them: &&), as SQL and parameters.
    Words are stemmed under `swedish`; a prefix word is taken as the start of a stem
    or, unstemmed under `simple`, of a word (typing "för" is on its way to förskola,
    though "för" alone is a stop word)."""
    sql, params = [], []
    for term in terms:
        if term.prefix:
            sql.append("(to_tsquery('swedish', %s) || to_tsquery('simple', %s))")
            params += [f"'{term.words[0]}':*"] * 2
        elif term.phrase:
            sql.append("phraseto_tsquery('swedish', %s)")
            params.append(" ".join(term.words))
        else:
            sql.append("plainto_tsquery('swedish', %s)")
            params.append(term.words[0])
    return " && ".join(sql), params


def facets_tsquery(facets: Sequence[Sequence[str]]) -> str:
    """The facet groups as tsquery text (tokens are letters and digits only)."""
    return " & ".join("(" + " | ".join(map(_facet, group)) + ")" for group in facets)
