"""The meeting pack (sammanträdeshandlingar) as one PDF.

Before a meeting of a nämnd or kommunfullmäktige the members and substitutes are sent
the notice with its agenda (kallelse med föredragningslista) and the documents of every
item: the officer's report (tjänsteskrivelse), the proposed decision and the
attachments. That mailing is the utskick: for a nämnd, KL 6 kap. 20 § says the chair
sees to it that it goes out in good time, and the body's own rules (reglemente,
arbetsordning) say how many days before the meeting. Members read it on paper or a
tablet, so it is one file: the parts in agenda order, a bookmark per part, and "sida 7
av 412" on every page so that a page can be pointed to at the meeting.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter
    from pypdf.generic import IndirectObject

# pypdf is imported by the functions that use it: the meetings' actions import this
# module (PackError) in every process, and pypdf costs about 15 MB where no pack is made.
FONT = "/KansliSidnummer"  # a name no PDF writer picks for its own fonts
FONT_SIZE = 8
BOTTOM = 20  # points from the visible bottom edge to the baseline of the number

# Helvetica's widths (thousandths of the font size) of the ASCII characters 32-126 from
# Adobe's metrics; every other character counts as 556, the width of a-z with accents.
WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584,
]  # fmt: skip


class PackError(ValueError):
    """A part of the pack cannot be used; the message, in Swedish, names it."""


@dataclass(frozen=True)
class Part:
    """One document of the pack: its bookmark text, its PDF, and its bookmark level
    (0 at the top, 1 under the previous level-0 part)."""

    title: str
    pdf: bytes
    level: int = 0


def merge(parts: Sequence[Part], *, footer: str) -> bytes:
    """The parts in order as one PDF, with a bookmark to the first page of each part and
    "<footer> – sida N av M" at the bottom of every page."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    parent: IndirectObject | None = None
    for part in parts:
        first = len(writer.pages)
        append(writer, part)
        item = writer.add_outline_item(
            title=part.title, page_number=first, parent=parent if part.level else None
        )
        if not part.level:
            parent = item
    font = writer._add_object(
        DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })
    )  # fmt: skip
    save = stream(writer, b"q")  # one stream, shared by every page
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        stamp(writer, page, font, save, f"{footer} – sida {number} av {total}")
    writer.page_mode = "/UseOutlines"  # open with the bookmarks shown
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def append(writer: PdfWriter, part: Part) -> None:
    """Append the part's pages, or raise PackError if they cannot be read."""
    from pypdf import PdfReader

    problem = ""
    try:
        reader = PdfReader(io.BytesIO(part.pdf))
        if reader.is_encrypted:
            problem = ": den är lösenordsskyddad"
        elif not reader.pages:
            problem = ": den har inga sidor"
        else:
            writer.append(reader, import_outline=False)
            return
    except Exception as error:  # a damaged file can fail in any part of the parser
        raise PackError(f"Bilagan ”{part.title}” kunde inte läsas som PDF.") from error
    raise PackError(f"Bilagan ”{part.title}” kunde inte läsas som PDF{problem}.")


def stamp(
    writer: PdfWriter, page: PageObject, font: IndirectObject, save: IndirectObject, text: str
) -> None:
    """Add the text, centred at the bottom of the page as it is shown (after /Rotate).
    The page's own content is wrapped in q … Q so that whatever it leaves in the graphics
    state does not move the number; the content itself is not parsed or rewritten."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
    fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    fonts[NameObject(FONT)] = font

    left, bottom, right, top = (float(v) for v in page.cropbox)
    rotation = page.rotation % 360
    width = top - bottom if rotation in (90, 270) else right - left
    # Maps the shown page (origin bottom left, x to the right) to the page's own space.
    matrix = {
        0: (1, 0, 0, 1, left, bottom),
        90: (0, 1, -1, 0, right, bottom),
        180: (-1, 0, 0, -1, right, top),
        270: (0, -1, 1, 0, left, top),
    }[rotation]
    encoded = text.encode("cp1252", errors="replace")
    text_width = sum(WIDTHS[c - 32] if 32 <= c < 127 else 556 for c in encoded)
    x = (width - text_width * FONT_SIZE / 1000) / 2
    literal = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    numbers = " ".join(f"{v:g}" for v in matrix).encode()
    content = b"Q q %s cm 0.45 g BT %s %d Tf %.2f %d Td (%s) Tj ET Q" % (
        numbers,
        FONT.encode(),
        FONT_SIZE,
        x,
        BOTTOM,
        literal,
    )

    contents = page.get("/Contents")
    own = contents.get_object() if contents is not None else []
    if not isinstance(own, list):  # one stream rather than an array of them
        own = [contents]
    page[NameObject("/Contents")] = ArrayObject([save, *own, stream(writer, content)])


def stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    """A new content stream in the writer (pypdf has no public call for a new object)."""
    from pypdf.generic import DecodedStreamObject

    obj = DecodedStreamObject()
    obj.set_data(data)
    return writer._add_object(obj)
