"""`{{ value|highlight:words }}`: the words of a search marked (<mark>) where a word of
the shown text begins with one of them (the search also finds inflected forms, which
begin alike: "bygglov" marks "bygglovet"). Everything else is escaped; only what the
page shows anyway is marked, so marking reveals nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MAX_WORDS = 20


@register.filter
def highlight(value: Any, words: Sequence[str]) -> SafeString:
    text = "" if value is None else str(value)
    chosen = sorted({w for w in words if w}, key=len, reverse=True)[:MAX_WORDS]
    if not chosen:
        return escape(text)
    starts = "|".join(re.escape(word) for word in chosen)
    pattern = re.compile(rf"(?<!\w)(?:{starts})\w*", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above
