"""A marked area and the words of a page with their rectangles (from the text layer, or
read by OCR when the page is a scanned image)."""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pymupdf


OCR_DPI = 300
NEAR = (-300, -5, 300, 5)  # points around an area where its words may reach
PUNCTUATION = ".,;:!?()[]\"'«»”“ "
OCR_SECONDS = 120
# A page may be 200 inches on a side (PDF's limit): rendered at 300 dpi that is
# 60,000 pixels square, ten gigabytes. No page is rendered larger than this on its
# longest side.
MAX_SIDE = 5000


@dataclass(frozen=True)
class Area:
    page: int  # from 1
    rect: tuple[float, float, float, float]
    provision: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"page": self.page, "rect": [round(v, 2) for v in self.rect],
                "provision": self.provision}  # fmt: skip

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Area:
        x0, y0, x1, y1 = (float(v) for v in value["rect"])
        return cls(int(value["page"]), (x0, y0, x1, y1), str(value.get("provision", "")))


@dataclass(frozen=True)
class Word:
    text: str
    rect: tuple[float, float, float, float]


def page_words(page: pymupdf.Page) -> list[Word]:
    """The words of a page in reading order: its text layer's, or, on a page without
    one (a scan), those Tesseract reads in Swedish from the page rendered at OCR_DPI."""
    words = [Word(w[4], (w[0], w[1], w[2], w[3])) for w in page.get_text("words", sort=True)]
    if words or not page.get_images():
        return words
    return ocr_words(page)


def page_png(page: pymupdf.Page, dpi: int) -> tuple[bytes, float]:
    """The page as PNG at `dpi`, or smaller if its longest side would pass MAX_SIDE
    pixels; and the pixels per point used."""
    import pymupdf

    zoom = min(dpi / 72, MAX_SIDE / max(page.rect.width, page.rect.height, 1))
    return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom)).tobytes("png"), zoom


def ocr_words(page: pymupdf.Page) -> list[Word]:
    import pymupdf

    png, zoom = page_png(page, OCR_DPI)
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "swe", "tsv"],
        input=png, capture_output=True, timeout=OCR_SECONDS, check=True,
    )  # fmt: skip
    # Pixels back to points on the unrotated page.
    scale = 1 / zoom
    back = ~page.rotation_matrix
    words = []
    for line in io.StringIO(done.stdout.decode("utf-8", "replace")).readlines()[1:]:
        cells = line.rstrip("\n").split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(c) * scale for c in cells[6:10])
        rect = pymupdf.Rect(left, top, left + width, top + height) * back
        words.append(Word(cells[11].strip(), (rect.x0, rect.y0, rect.x1, rect.y1)))
    return words


def as_shown(pdf: bytes, areas: list[Area], *, back: bool = False) -> list[Area]:
    """The areas on the pages as they are shown (turned by their /Rotate), where the
    reviewer draws; with `back`, from there to the page's own coordinates."""
    import pymupdf

    shown = []
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        for area in areas:
            page = document[area.page - 1]
            matrix = page.derotation_matrix if back else page.rotation_matrix
            rect = pymupdf.Rect(area.rect) * matrix
            rect.normalize()
            shown.append(Area(area.page, (rect.x0, rect.y0, rect.x1, rect.y1), area.provision))
    return shown


def words_under(pdf: bytes, areas: list[Area]) -> list[str]:
    """For each area, the words it touches joined by spaces (what the check must not find
    again), read from the source before it is redacted. The text layer is read around
    the area only (a whole word reaches out of it by less than NEAR); a page without one
    is read by OCR."""
    import pymupdf

    found = []
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        scanned: dict[int, list[Word]] = {}
        for area in areas:
            page, rect = document[area.page - 1], pymupdf.Rect(area.rect)
            near = page.get_text("words", sort=True, clip=rect + NEAR)
            words = [Word(w[4], (w[0], w[1], w[2], w[3])) for w in near]
            if not words:
                if area.page not in scanned:
                    scanned[area.page] = page_words(page)
                words = scanned[area.page]
            under = [w.text for w in words if rect.intersects(pymupdf.Rect(w.rect))]
            text = " ".join(under).strip(PUNCTUATION)
            if text:
                found.append(text)
    return found
