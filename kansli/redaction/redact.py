"""Removing what lies under the marked areas, labelling each with its provision, and
stripping what a PDF can carry beside its pages.

Under an area MuPDF's redaction removes the characters, the pixels of images (a scanned
page is redacted in its pixels) and every vector path the area touches; the area is then
filled black and its provision written in it in small white letters (OSL 6 kap. 3 §: the
requester is told under which provision each part is withheld). The file is then
stripped of its metadata (Info and XMP), annotations, links, bookmarks, attachments and
embedded files, form fields, JavaScript and actions (OpenAction, AA), hidden layers,
tagged-PDF structure (its alternative texts), thumbnails and invisible text, and written
anew with unused objects dropped: no earlier revision or removed object survives."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from kansli.redaction.areas import Area

if TYPE_CHECKING:
    import pymupdf

BLACK, WHITE = (0, 0, 0), (1, 1, 1)
LABEL_SIZES = (7, 6, 5, 4, 3)
# The entries of the document catalogue and of a page that are kept: what shows the
# pages. Every other one goes, named or not: one that runs something (OpenAction, AA),
# holds more than the pages (Names, AcroForm, Outlines, Metadata, PDF 2.0's associated
# files AF) or a private key pointing at any object at all.
CATALOG_KEEPS = {"Type", "Pages", "PageLabels", "PageLayout", "PageMode", "Lang",
                 "ViewerPreferences", "Version"}  # fmt: skip
PAGE_KEEPS = {"Type", "Parent", "Resources", "Contents", "MediaBox", "CropBox", "BleedBox",
              "TrimBox", "ArtBox", "Rotate", "UserUnit", "Group"}  # fmt: skip
INVISIBLE = re.compile(rb"(?<![\d.])3\s+Tr\b|\bgs\b")  # invisible text, or a graphics state


def _label(page: pymupdf.Page, area: Area) -> None:
    import pymupdf

    rect = pymupdf.Rect(area.rect)
    if not area.provision:
        return
    for size in LABEL_SIZES:
        if page.insert_textbox(rect, area.provision, fontsize=size, color=WHITE, align=1) >= 0:
            return


def _remove_hidden_text(page: pymupdf.Page) -> None:
    """Text drawn invisible (render mode 3, or fully transparent): what the reviewer
    could not see on the page is not handed out either. Only pages whose content or
    forms can hold it are traced (tracing every page costs more than the redaction)."""
    import pymupdf
    from pymupdf import mupdf

    if not (INVISIBLE.search(page.read_contents()) or page.get_xobjects()):
        return
    spans = [s for s in page.get_texttrace() if s["type"] == 3 or s["opacity"] == 0]
    for span in spans:
        page.add_redact_annot(pymupdf.Rect(span["bbox"]))
    if spans:
        page.apply_redactions(images=mupdf.PDF_REDACT_IMAGE_NONE,
                              graphics=mupdf.PDF_REDACT_LINE_ART_NONE,
                              text=mupdf.PDF_REDACT_TEXT_REMOVE)  # fmt: skip


def _strip(document: pymupdf.Document) -> None:
    for page in document.pages():
        _remove_hidden_text(page)
    document.scrub(
        attached_files=True, clean_pages=True, embedded_files=True, hidden_text=False,
        javascript=True, metadata=True, redactions=False, remove_links=True,
        reset_fields=True, reset_responses=True, thumbnails=True, xml_metadata=True,
    )  # fmt: skip
    for page in document.pages():
        for widget in list(page.widgets()):
            page.delete_widget(widget)
        for annot in list(page.annots()):
            page.delete_annot(annot)
        _keep_only(document, page.xref, PAGE_KEEPS)
    _keep_only(document, document.pdf_catalog(), CATALOG_KEEPS)
    document.set_metadata({})
    document.del_xml_metadata()


def _keep_only(document: pymupdf.Document, xref: int, keeps: set[str]) -> None:
    for key in document.xref_get_keys(xref):
        if key not in keeps:
            document.xref_set_key(xref, key, "null")


def redact(pdf: bytes, areas: list[Area]) -> bytes:
    """The redacted copy of `pdf`. Raises ValueError for an area off the document."""
    import pymupdf
    from pymupdf import mupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as probe:
        layered = probe.xref_get_key(probe.pdf_catalog(), "OCProperties")[0] != "null"
    if layered:
        from kansli.redaction.layers import without_hidden_layers  # pypdf

        pdf = without_hidden_layers(pdf)
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        by_page: dict[int, list[Area]] = defaultdict(list)
        for area in areas:
            if not 1 <= area.page <= document.page_count:
                raise ValueError(f"sidan {area.page} finns inte")
            by_page[area.page].append(area)
        for number, marked in sorted(by_page.items()):
            page = document[number - 1]
            for area in marked:
                page.add_redact_annot(pymupdf.Rect(area.rect), fill=BLACK)
            page.apply_redactions(
                images=mupdf.PDF_REDACT_IMAGE_PIXELS,
                graphics=mupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
                text=mupdf.PDF_REDACT_TEXT_REMOVE,
            )
            for area in marked:
                _label(page, area)
        _strip(document)
        return document.tobytes(garbage=4, deflate=True, clean=True)
