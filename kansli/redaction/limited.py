"""The redaction engine's work on a document's PDF, in a child process within limits
(kansli.files.sandbox). The PDF comes from outside (an e-mail, an e-service, an upload),
and a crafted one can make MuPDF or pypdf run for hours or take all memory without the
check at storing finding anything wrong with it: thirty forms each drawing the next twice
are drawn 2^30 times by every renderer and text extractor. So the web process never
opens it itself: a child renders the page, reads the words or makes the redacted copy,
and is killed at the limit; the reviewer is told that the file could not be read.

Each has the limits of text extraction (KANSLI_EXTRACT_SECONDS and
KANSLI_EXTRACT_MEMORY_MB), and in a web request at most what is left of its
KANSLI_REQUEST_SECONDS (kansli.files.sandbox.deadline): gunicorn stops a request at 30 s.

MuPDF (30 MB, 0.1 s to import) and pypdf (15 MB) are loaded by the first process that
redacts, not by every web process: the engine's modules import them where they use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TypeVar

from django.core.exceptions import ValidationError

from kansli.files.sandbox import OverLimit, ReadFailed, within_limits
from kansli.redaction.areas import Area, as_shown, page_png, words_under
from kansli.redaction.find import find_personal_numbers, find_text
from kansli.redaction.redact import redact

T = TypeVar("T")


def _limited(pdf: bytes, work: Callable[[bytes], T]) -> T:
    # In this process once, before the fork, not in each child.
    import pymupdf  # noqa: F401

    import kansli.redaction.layers  # noqa: F401 - pypdf

    def run(file: IO[bytes]) -> T:
        return work(file.read())

    try:
        result: T = within_limits(pdf, run)
    except (OverLimit, ReadFailed) as error:
        raise ValidationError(f"Filen kunde inte läsas för maskering ({error}).") from error
    return result


def page_sizes(pdf: bytes, *, shown: bool = False) -> list[tuple[float, float]]:
    """Each page's width and height in its own coordinates (those of the areas), or as
    shown, turned by its /Rotate."""
    import pymupdf

    def sizes(data: bytes) -> list[tuple[float, float]]:
        found = []
        with pymupdf.open(stream=data, filetype="pdf") as document:
            for page in document.pages():
                rect = page.rect if shown else page.rect * page.derotation_matrix
                found.append((abs(rect.width), abs(rect.height)))
        return found

    return _limited(pdf, sizes)


def page_image(pdf: bytes, number: int, dpi: int) -> bytes | None:
    """Page `number` (from 1) as PNG, None if the document has no such page."""
    import pymupdf

    def image(data: bytes) -> bytes | None:
        with pymupdf.open(stream=data, filetype="pdf") as document:
            if not 1 <= number <= document.page_count:
                return None
            return page_png(document[number - 1], dpi)[0]

    return _limited(pdf, image)


def shown_areas(pdf: bytes, areas: list[Area], *, back: bool = False) -> list[Area]:
    """kansli.redaction.areas.as_shown, in the child."""
    return _limited(pdf, lambda data: as_shown(data, areas, back=back))


def search(pdf: bytes, needles: list[str], personal_numbers: bool) -> list[Area]:
    """The areas of the needles and, if asked, of every personal identity number, on the
    pages as shown."""

    def found(data: bytes) -> list[Area]:
        areas = find_text(data, needles) if needles else []
        if personal_numbers:
            areas += find_personal_numbers(data)
        return as_shown(data, areas)

    return _limited(pdf, found)


def redacted(pdf: bytes, areas: list[Area]) -> tuple[list[str], bytes]:
    """What the areas cover (the words the check looks for) and the redacted copy. The
    check of the copy (kansli.redaction.verify) runs its extractors within limits too:
    the copy still holds whatever the original drew outside the areas."""
    return _limited(pdf, lambda data: (words_under(data, areas), redact(data, areas)))
