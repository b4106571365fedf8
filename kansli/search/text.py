"""Words and filter tokens: what goes into the search index and how a query names it.

Both databases are given text already split into words here, lower-cased and joined by
single spaces. SQLite's FTS5 `unicode61` tokenizer would split it the same way, but
PostgreSQL's parser would not: it keeps "2026/142" as one file-path token and
"ks-2026-142" as a hyphenated word. Splitting in Python first makes a case number, an
e-mail address or a hyphenated name the same words on both.

Filters that the index can answer itself are stored as tokens in a second column
(`facets`), such as `a12` (authority 12) or `y2026` (case year 2026). A query ANDs them
with its words, so the database's own full-text engine narrows the hits to the filter
before anything is joined: "ansökan" in one authority and an old year is then as quick
as "ansökan" alone, instead of walking every newer hit to find the few that pass. The
facets are only an accelerator: every filter is also applied to the registry's own
columns in the same query, which stay the truth."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")

# One document's indexed text is cut here: PostgreSQL refuses a tsvector over 1 MB and
# clamps positions past 16,383, and a registration is found by its first pages.
MAX_TEXT_CHARS = 200_000


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased: runs of letters and digits. Composed first
    (NFC), since text from PDFs may write ö as o and a combining diaeresis."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def normalise(parts: Iterable[str], limit: int = MAX_TEXT_CHARS) -> str:
    """The words of all parts, joined by single spaces, at most `limit` characters
    (cut between words)."""
    text = " ".join(" ".join(words(part)) for part in parts if part)
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0]


def case_words(
    case_number: str, series: str, year: int, number: int, title: str, parties: Iterable[str]
) -> list[str]:
    """A case's searchable text: its number as the municipality writes it and, if that
    differs ("KS 2026/0142"), as series, year and number (so that "142" finds it), its
    title and its parties' names."""
    plain = f"{series} {year} {number}"
    numbers = [case_number] if words(plain) == words(case_number) else [case_number, plain]
    return [*numbers, title, *parties]


def document_words(
    description: str, counterpart: str, document_type: str, more: Iterable[str] = ()
) -> list[str]:
    """A document's own searchable text, after its case's: what it concerns, its sender
    or recipient, its type and whatever text sources give (file text)."""
    return [description, counterpart, document_type, *more]


# Facets are a letter and digits (the direction: "d" and a Direction value, ASCII), so
# that both tokenizers keep each one whole.


def authority_token(authority_id: int) -> str:
    return f"a{authority_id}"


def year_token(year: int) -> str:
    return f"y{year}"


def case_token(year: int, number: int) -> str:
    """The case number without its series: exact, whatever the spelling typed."""
    return f"n{year}x{number}"


def classification_token(classification_id: int) -> str:
    return f"k{classification_id}"


def unit_token(unit_id: int) -> str:
    return f"u{unit_id}"


def direction_token(direction: str) -> str:
    return f"d{direction}"


def document_type_token(document_type: str) -> str | None:
    """A document type ("Yttrande") as one token of digits, or None when it has no
    words. The registry's filter takes types equal whatever their case
    (document_type__iexact: UPPER on PostgreSQL, ASCII letters on SQLite); upper-casing
    before words() lower-cases gives such types the same words, so that the token only
    narrows and never leaves out what the filter takes. Types with the same words but
    other punctuation share a token; the filter on the column tells them apart. The
    token is stored in the index: a change to it or to words() needs `kansli search
    reindex`."""
    key = " ".join(words(document_type.upper()))
    if not key:
        return None
    return f"h{int.from_bytes(hashlib.sha256(key.encode()).digest()[:6], 'big')}"


def date_tokens(day: datetime.date) -> list[str]:
    """A document date as a year token and a month token (t2026, t202603)."""
    return [f"t{day.year}", f"t{day.year}{day.month:02d}"]


def case_facets(
    authority_id: int,
    year: int,
    number: int,
    classification_id: int | None,
    unit_id: int | None,
    series_id: int | None = None,
) -> list[str]:
    """The facets of a case: shared by its own row and by each of its documents. A case
    whose number is from another series (Case.series) carries that series' authority
    token too, so that its number with that series finds it (filters.plan)."""
    facets = [authority_token(authority_id), year_token(year), case_token(year, number)]
    if series_id is not None and series_id != authority_id:
        facets.append(authority_token(series_id))
    if classification_id is not None:
        facets.append(classification_token(classification_id))
    if unit_id is not None:
        facets.append(unit_token(unit_id))
    return facets


def document_facets(
    case_facets: list[str], direction: str, document_date: datetime.date, document_type: str
) -> list[str]:
    facets = [*case_facets, direction_token(direction), *date_tokens(document_date)]
    kind = document_type_token(document_type)
    return facets if kind is None else [*facets, kind]


def date_range_tokens(start: datetime.date, end: datetime.date, most: int = 36) -> list[str] | None:
    """Tokens of which a document dated within [start, end] carries exactly one: whole
    years inside the range and months at its ends. None when more than `most` would be
    needed (the date filter on the registry's column still applies)."""
    if end < start:
        return []
    tokens: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if month == 1 and (year < end.year or end.month == 12):
            tokens.append(f"t{year}")
            year += 1
            continue
        tokens.append(f"t{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tokens if len(tokens) <= most else None
