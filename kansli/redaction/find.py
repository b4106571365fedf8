"""Finding what to mark: every occurrence of given words or names, and every Swedish
personal identity number (Luhn checked, 10 or 12 digits, with or without "-", "+" or a
space; OSL 21 kap. 3 §). A hit marks the whole words it lies in, which is what the
reviewer sees and what must go; on a scanned page the words come from OCR."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kansli.redaction.areas import Area, Word, page_words
from kansli.redaction.normal import normalise
from kansli.registry.personal_numbers import find as personal_numbers_in


def _union(words: list[Word]) -> tuple[float, float, float, float]:
    return (min(w.rect[0] for w in words), min(w.rect[1] for w in words),
            max(w.rect[2] for w in words), max(w.rect[3] for w in words))  # fmt: skip


def _runs(words: list[Word], tokens: list[str]) -> Iterable[list[Word]]:
    """The runs of consecutive words holding the tokens in order (each word may hold
    more around its token: "Svenssons", "(Anna")."""
    folded = [normalise(w.text) for w in words]
    for start in range(len(words) - len(tokens) + 1):
        if all(t in folded[start + i] for i, t in enumerate(tokens)):
            yield words[start : start + len(tokens)]


def _areas(pdf: bytes, matches: Callable[[list[Word]], Iterable[list[Word]]]) -> list[Area]:
    import pymupdf

    areas = []
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        for number, page in enumerate(document, start=1):
            words = page_words(page)
            for run in matches(words):
                # A run broken over two lines is marked line by line.
                lines: dict[float, list[Word]] = {}
                for word in run:
                    lines.setdefault(round(word.rect[3]), []).append(word)
                areas += [Area(number, _union(line)) for line in lines.values()]
    return areas


def find_text(pdf: bytes, needles: Iterable[str]) -> list[Area]:
    """The areas of every occurrence of each needle (case, dashes and spacing ignored)."""
    token_lists = [t for t in (normalise(n).split() for n in needles) if t]

    def matches(words: list[Word]) -> Iterable[list[Word]]:
        text = normalise(" ".join(w.text for w in words))
        for tokens in token_lists:
            if all(t in text for t in tokens):  # most pages hold none of them
                yield from _runs(words, tokens)

    return _areas(pdf, matches)


def find_personal_numbers(pdf: bytes) -> list[Area]:
    """The areas of every personal identity number, written in one word or two (date and
    last four digits separated by a space)."""

    def matches(words: list[Word]) -> Iterable[list[Word]]:
        for index, word in enumerate(words):
            if personal_numbers_in(word.text):
                yield [word]
            elif index + 1 < len(words):
                pair = f"{word.text} {words[index + 1].text}"
                if personal_numbers_in(pair) and not personal_numbers_in(words[index + 1].text):
                    yield [word, words[index + 1]]

    return _areas(pdf, matches)
