"""Case numbers (diarienummer) as people type them into a search box.

A municipality writes its numbers in one format (`Municipality.case_number_format`,
e.g. "KS 2026/142" or "KS-2026-0142"), but people copy them from letters, e-mails and
older systems in every common spelling. All of these mean case 142 of 2026 in the KS
series, the last one its third document:

    KS 2026/142   KS-2026-142   ks 2026/0142   KS2026/142   KS 2026:142   KS 2026/142-3

and `2026/142` is the same number in any series. A year and number joined by a hyphen
alone (`2026-142`) is not taken as a case number: it is too easily a date (2026-03-14).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# The series is an authority's code (Authority.code: letters, perhaps digits after them,
# at most 12 characters). Without a series only "/" or ":" separate year and number.
_SERIES = r"(?P<series>[^\W\d_][^\W_]{0,11})"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUMBER = r"(?P<number>\d{1,7})"
_DOCUMENT = r"(?:-(?P<document>\d{1,5}))?"
_PATTERN = re.compile(
    rf"(?<![^\W_])(?:{_SERIES}(?:\s*-\s*|\s+|(?=\d)))?"
    rf"{_YEAR}(?:\s*[/:]\s*|(?<=\d)-(?=\d)){_NUMBER}{_DOCUMENT}"
    r"(?![^\W_]|[/:-]\d)",
)


@dataclass(frozen=True)
class CaseNumberQuery:
    """A case number found in a query: the series (an authority's code, upper case) if
    given, the year, the running number and, for a document number, the document."""

    series: str | None
    year: int
    number: int
    document: int | None = None

    def __str__(self) -> str:
        text = f"{self.year}/{self.number}"
        if self.series:
            text = f"{self.series} {text}"
        return f"{text}-{self.document}" if self.document is not None else text


def _query(match: re.Match[str], series: str | None) -> CaseNumberQuery | None:
    joined_by_hyphen = "/" not in match[0] and ":" not in match[0]
    if series is None and joined_by_hyphen:
        return None  # "2026-142" (or a date): see the module docstring
    number = int(match["number"])
    if number == 0:
        return None
    document = match["document"]
    return CaseNumberQuery(
        series=series.upper() if series else None,
        year=int(match["year"]),
        number=number,
        document=int(document) if document else None,
    )


def parse_case_number(text: str) -> CaseNumberQuery | None:
    """The case number that `text` is, in any common spelling; None if it is not one."""
    match = _PATTERN.fullmatch(text.strip())
    return _query(match, match["series"]) if match else None


def find_case_number(
    text: str, is_series: Callable[[str], bool] | None = None
) -> tuple[CaseNumberQuery | None, str]:
    """The first case number anywhere in `text`, and the text without it.

    In running text the word before a number need not be a series ("bygglov 2026/142"):
    when `is_series` is given, a word it does not know as a series is left in the text
    and the number is taken without a series."""
    for match in _PATTERN.finditer(text):
        series, start = match["series"], match.start()
        if series is not None and is_series is not None and not is_series(series.upper()):
            series, start = None, match.start("year")
        found = _query(match, series)
        if found is not None:
            rest = f"{text[:start]} {text[match.end() :]}"
            return found, " ".join(rest.split())
    return None, text
