"""A page's text: plain text with a little Markdown (## headings, - lists, blank lines
between paragraphs), every character escaped first so no markup or script written in a
page can reach the browser; and the search over the pages a reader may read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kansli.handbook.models import Routine


def render(body: str) -> SafeString:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [escape(line.strip()) for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            out.append(f"<h2>{lines[0][3:]}</h2>")
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{line[2:]}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif lines:
            out.append(f"<p>{'<br>'.join(lines)}</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every piece was escaped above


def words(query: str) -> list[str]:
    return [w for w in re.split(r"[^\w-]+", query.lower()) if len(w) > 1][:8]


@dataclass
class Hit:
    routine: Routine
    snippet: SafeString


def highlight(text: str, terms: list[str], width: int = 90) -> SafeString:
    """An escaped excerpt around the first match, each match in <mark>."""
    plain = " ".join(text.replace("#", "").split())
    lower = plain.lower()
    first = min((i for i in (lower.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width)
    excerpt = plain[start : first + 2 * width]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(excerpt):
        parts.append(escape(excerpt[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(excerpt[last:]))
    prefix = "… " if start else ""
    suffix = " …" if start + len(excerpt) < len(plain) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - escaped above


def search(user: Any, query: str, *, public_only: bool = False) -> list[Hit]:
    """Every word (or the start of a longer word: "e-post" finds "e-postmeddelanden",
    "registrera" finds "registreras") in the title or text of a page the reader may
    read; titles first. Case-insensitive on both databases for å, ä and ö too."""
    terms = words(query)
    if not terms:
        return []
    pages = Routine.objects.public() if public_only else Routine.objects.visible_to(user)
    candidates = pages
    if connection.vendor == "postgresql":
        candidates = pages.filter(*[Q(title__icontains=t) | Q(body__icontains=t) for t in terms])
    hits = []
    # SQLite's LIKE folds only ASCII letters ("ärende" would miss "Ärende"), so there
    # the handbook's pages (tens, not thousands) are matched here; PostgreSQL's ILIKE
    # has already chosen them and this only confirms.
    for routine in candidates.order_by("title"):
        text = f"{routine.title}\n{routine.body}".lower()
        if all(t in text for t in terms):
            hits.append(Hit(routine, highlight(routine.body, terms)))
    hits.sort(key=lambda h: not all(t in h.routine.title.lower() for t in terms))
    return hits
