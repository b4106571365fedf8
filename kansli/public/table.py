"""The rows of the e-diary's table of registrations, written in Python.

Through the template engine the twenty rows of a page cost about 0.6 ms, an eighth of an
uncached diary page (bench/public.py); written here, with every value escaped as `{{ }}`
escapes it, they cost a fraction of that. The table around them is in
public/entries.html; kansli/public/tests/test_table.py holds the markup."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kansli.public.record import PublicEntry

ROW = (
    '<tr><th scope="row" class="nowrap">{number}{voided}</th>'
    '<td class="nowrap">{date}</td><td>{direction}</td><td>{counterpart}</td>'
    '<td>{description}{kind}</td><td><a href="{link}">{case_number} {case_title}</a></td></tr>\n'
)


def rows(entries: Sequence[PublicEntry]) -> SafeString:
    """Each registration as a table row: its number (and whether it is voided), date,
    direction, sender or recipient, what it concerns (and its type), and a link to its
    case's page. Every shown value is escaped; a date as ISO 8601."""
    where = get_script_prefix(), get_urlconf()
    voided = f' <span class="badge voided">{escape(_("Voided"))}</span>'
    drawn = []
    for entry in entries:
        kind = entry.document_type
        drawn.append(ROW.format(
            number=escape(entry.document_number),
            voided=voided if entry.voided else "",
            date=entry.document_date.isoformat(),
            direction=escape(capfirst(str(entry.direction_label))),
            counterpart=escape(entry.counterpart or "–"),
            description=escape(entry.description),
            kind=f' <span class="muted">({escape(kind)})</span>' if kind else "",
            link=escape(case_link(*where, entry.case_series, entry.case_year, entry.case_serial)),
            case_number=escape(entry.case_number),
            case_title=escape(entry.case_title),
        ))  # fmt: skip
    return mark_safe("".join(drawn))  # noqa: S308 - every value above is escaped


@lru_cache(maxsize=4096)
def case_link(prefix: str, urlconf: Any, series: str, year: int, number: int) -> str:
    """A case page's address, kept: reverse() cost a third of the table. The script
    prefix and URL configuration it reads are in the key."""
    return reverse("public:case", args=[series, year, number])
