"""Hostile files to redact: what a PDF carries beside its pages under keys the engine
does not name (PDF 2.0's associated files, a private key of the catalogue or a page
pointing at an object with text) must not reach the redacted copy either, and an image
MuPDF cannot read is refused as not convertible."""

from __future__ import annotations

import pymupdf
import pytest

from kansli.redaction.areas import Area
from kansli.redaction.convert import NotConvertible, to_pdf
from kansli.redaction.redact import redact

ATTACHED = b"Bilaga med personnummer 19121212-1212"
PRIVATE = b"BT /F1 12 Tf 10 10 Td (Hemlig anteckning) Tj ET"


def _stream(document: pymupdf.Document, head: str, data: bytes) -> int:
    xref = document.get_new_xref()
    document.update_object(xref, head)
    document.update_stream(xref, data)
    return xref


def hostile_pdf() -> bytes:
    with pymupdf.open() as document:
        page = document.new_page()
        page.insert_text((72, 100), "Beslut om bygglov, Storgatan 1")
        attached = _stream(document, "<< /Type /EmbeddedFile >>", ATTACHED)
        spec = document.get_new_xref()
        document.update_object(
            spec, f"<< /Type /Filespec /F (a.txt) /UF (a.txt) /EF << /F {attached} 0 R >> >>"
        )
        note = _stream(document, "<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] >>", PRIVATE)
        catalog = document.pdf_catalog()
        for xref in (catalog, page.xref):
            document.xref_set_key(xref, "AF", f"[{spec} 0 R]")
            document.xref_set_key(xref, "Anteckning", f"{note} 0 R")
        return document.tobytes()


def every_object(pdf: bytes) -> bytes:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        parts = []
        for xref in range(1, document.xref_length()):
            parts.append(document.xref_object(xref).encode())
            if document.xref_is_stream(xref):
                parts.append(document.xref_stream(xref) or b"")
        return b"".join(parts)


def test_associated_files_and_objects_under_private_keys_are_not_in_the_redacted_copy() -> None:
    original = hostile_pdf()
    assert ATTACHED in every_object(original) and PRIVATE in every_object(original)

    result = redact(original, [Area(1, (72, 60, 200, 110), "OSL 21 kap. 3 §")])

    raw = every_object(result)
    assert ATTACHED not in raw and b"19121212" not in raw
    assert PRIVATE not in raw and b"Hemlig anteckning" not in raw
    with pymupdf.open(stream=result, filetype="pdf") as document:
        assert document.page_count == 1 and "Storgatan" not in document[0].get_text()


def test_an_image_claiming_to_be_100000_pixels_square_is_not_convertible() -> None:
    # A PNG header for 100 000 × 100 000 pixels and nothing else: MuPDF refuses it,
    # which must reach the reviewer as "cannot be converted", not as a server error.
    header = b"\x00\x00\x00\rIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x00\x00\x00\x00"
    with pytest.raises(NotConvertible):
        to_pdf(b"\x89PNG\r\n\x1a\n" + header + bytes(40), "image/png")
