"""Passages of file text for a page of search hits: where the words were found in a
document's files rather than in its registration, the hit shows about thirty words
around the first of them, marked.

A snippet is cut from the current files of that hit only (kansli.search.files), a
document the user may already read (the hits passed visible_to). What the user may
not read of it is masked before the text is cut, so that a cut cannot leave half a
name: the names, identity numbers and addresses of the case's parties with protected
identity (OSL 21 kap. 3 §) read "Skyddad identitet" for everyone but the case's
officer and its authority's registrars (kansli.access.protected), as in every other
view of the case."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kansli.access.protected import Hide, hiders
from kansli.files.models import StoredFile
from kansli.registry.models import Document, DocumentFile, Party
from kansli.search.query import DocumentHit

# Text read per file: a passage is found in the beginning of a long file or not at all.
MAX_CHARS = 200_000
WORDS_AROUND = 15
MAX_WORDS = 20


def file_snippets(
    user: Any, documents: Iterable[DocumentHit | Document], words: Sequence[str]
) -> dict[int, SafeString]:
    """For each document (by id: search rows, or model objects with their case) whose
    current files' text has one of the words, a marked passage around the first one.
    Two queries for the files and two for the protected parties, however many
    documents."""
    documents = list(documents)
    pattern = _pattern(words)
    if pattern is None or not documents:
        return {}
    rows = (
        DocumentFile.objects.filter(
            document__in=[document.pk for document in documents],
            replaced_by__isnull=True,
            stored__extraction=StoredFile.Extraction.DONE,
        )
        .order_by("document_id", "pk")
        .values_list("document_id", Substr("stored__text", 1, MAX_CHARS))
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for document_id, text in rows:
        if text:
            texts[document_id].append(text)
    masks = _masks(user, documents)
    snippets: dict[int, SafeString] = {}
    for document in documents:
        hide = masks.get(document.case_id)
        for text in texts.get(document.pk, []):
            shown = hide(text) if hide is not None else text
            passage = _passage(shown, pattern)
            if passage is not None:
                snippets[document.pk] = passage
                break
    return snippets


def _pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    chosen = sorted({w for w in words if w}, key=len, reverse=True)[:MAX_WORDS]
    if not chosen:
        return None
    starts = "|".join(re.escape(word) for word in chosen)
    return re.compile(rf"(?<!\w)(?:{starts})\w*", re.IGNORECASE)


def _masks(user: Any, documents: list[DocumentHit | Document]) -> dict[int, Callable[[str], str]]:
    """Per case the user may not see the protected parties of: their names and numbers
    (kansli.access.protected.hiders) and the lines of their addresses."""
    cases = {d.case_id: d.case for d in documents}
    hidden = hiders(user, cases.values())
    if not hidden:
        return {}
    words: dict[int, list[str]] = defaultdict(list)
    parties = Party.objects.filter(case_id__in=hidden, protected_identity=True).order_by()
    for case_id, name, number, address in parties.values_list(
        "case_id", "name", "identity_number", "address"
    ):
        lines = [line.strip() for line in address.splitlines() if len(line.strip()) > 2]
        words[case_id] += [name, number, *lines]
    return {pk: _then(hide, Hide(words[pk])) for pk, hide in hidden.items()}


def _then(first: Hide, second: Hide) -> Callable[[str], str]:
    """The name and number forms that hiders masks, then the address lines."""
    return lambda text: second(first(text))


def _passage(text: str, pattern: re.Pattern[str]) -> SafeString | None:
    """About thirty words around the first match, the matches marked, the rest escaped."""
    found = pattern.search(text)
    if found is None:
        return None
    before = text[: found.start()].split()[-WORDS_AROUND:]
    after = text[found.end() :].split()[:WORDS_AROUND]
    start = "… " if len(text[: found.start()].split()) > WORDS_AROUND else ""
    end = " …" if len(text[found.end() :].split()) > WORDS_AROUND else ""
    glue_before = " " if before and text[found.start() - 1 : found.start()].isspace() else ""
    glue_after = " " if after and text[found.end() : found.end() + 1].isspace() else ""
    passage = " ".join(before) + glue_before + found.group(0) + glue_after + " ".join(after)
    parts, last = [], 0
    for match in pattern.finditer(passage):
        parts += [escape(passage[last : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        last = match.end()
    parts.append(escape(passage[last:]))
    return mark_safe(start + "".join(parts) + end)  # noqa: S308 - every piece escaped above
