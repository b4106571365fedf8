"""Hostile files to redact: what a PDF carries beside its pages under keys the engine
does not name (PDF 2.0's associated files, a private key of the catalogue or a page
pointing at an object with text) must not reach the redacted copy either; an image
MuPDF cannot read, or one that needs more memory than a conversion is given, is refused
as not convertible; LibreOffice is held to the same limits; and a page of PDF's largest
size is not rendered at full resolution."""

from __future__ import annotations

import os
import struct
import subprocess
import time
import zlib
from typing import Any

import pymupdf
import pytest
from django.core.exceptions import ValidationError

from kansli.files.pdfactive import findings
from kansli.files.tests import samples
from kansli.redaction import convert, layers, limited
from kansli.redaction.areas import MAX_SIDE, Area, page_png
from kansli.redaction.convert import NotConvertible, to_pdf
from kansli.redaction.redact import redact

ATTACHED = b"Bilaga med personnummer 19121212-1212"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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


def big_png(side: int) -> bytes:
    """A white RGB PNG `side` pixels square: a few hundred kilobytes packed, side² × 3
    bytes when decoded (an image bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (side * 3)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    head = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_an_image_that_needs_more_memory_than_a_conversion_is_given_is_refused(
    settings: Any,
) -> None:
    # 5000² × 3 bytes = 75 MB decoded, in a child allowed 32 MB more than it starts with;
    # the process that asked lives on to say so.
    settings.EXTRACT_MEMORY_MB = 32
    with pytest.raises(NotConvertible, match="för stor"):
        to_pdf(big_png(5000), "image/png")
    assert to_pdf(samples.png(side=40), "image/png").startswith(b"%PDF")


def test_libreoffice_is_held_to_the_memory_limit(settings: Any) -> None:
    settings.EXTRACT_MEMORY_MB = 64  # LibreOffice cannot even start in that
    with pytest.raises(NotConvertible):
        to_pdf(samples.word("Beslut om bygglov"), DOCX)


def test_libreoffice_past_its_time_is_killed_with_its_children(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EXTRACT_SECONDS = 0
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(convert.subprocess, "Popen", popen)
    with pytest.raises(NotConvertible, match="inte klart"):
        to_pdf(samples.word("Beslut om bygglov"), DOCX)
    assert len(started) == 1
    # Nothing is left in its process group once the killed children are reaped: they
    # were LibreOffice's own children, reaped by init, which on a loaded machine can
    # take a moment after the group's SIGKILL (seen on CI's PostgreSQL pass).
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.killpg(started[0].pid, 0)
            time.sleep(0.1)


def test_a_page_of_pdf_s_largest_size_is_rendered_no_larger_than_max_side() -> None:
    with pymupdf.open() as document:
        page = document.new_page(width=14400, height=7200)  # 200 × 100 inches
        page.insert_text((72, 100), "Ritning")
        png, zoom = page_png(page, 300)
    assert struct.unpack(">II", png[16:24]) == (MAX_SIDE, MAX_SIDE // 2)  # IHDR
    assert zoom == MAX_SIDE / 14400


def test_hidden_layers_are_filtered_from_each_form_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Twelve forms, each drawing the next twice: filtered once each, not 2^12 times
    # (at thirty, that was hours).
    calls: list[int] = []
    real = layers._filter

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(layers, "_filter", counted)
    result = layers.without_hidden_layers(samples.nested_forms(12))
    assert len(calls) == 13  # the page and its twelve forms
    with pymupdf.open(stream=result, filetype="pdf") as document:
        assert "OCProperties" not in document.xref_object(document.pdf_catalog())


def test_a_form_that_draws_itself_is_filtered_once() -> None:
    with pymupdf.open() as document:
        page = document.new_page()
        page.insert_text((72, 100), "Beslut om bygglov, Storgatan 1")
        document.add_ocg("Dold", on=False)
        form = document.get_new_xref()
        itself = f"/Resources << /XObject << /F {form} 0 R >> >>"
        document.update_object(
            form, f"<< /Type /XObject /Subtype /Form /BBox [0 0 9 9] {itself} >>"
        )
        document.update_stream(form, b"/F Do")
        page.insert_text((72, 130), "Storgatan")
        _kind, resources = document.xref_get_key(page.xref, "Resources")
        document.xref_set_key(int(resources.split()[0]), "XObject", f"<< /F {form} 0 R >>")
        drawing = _stream(document, "<< >>", b"/F Do")
        contents = document.xref_get_key(page.xref, "Contents")[1].strip("[]")
        document.xref_set_key(page.xref, "Contents", f"[{contents} {drawing} 0 R]")
        pdf = document.tobytes()
    with pymupdf.open(stream=layers.without_hidden_layers(pdf), filetype="pdf") as result:
        assert "Storgatan" in result[0].get_text()


def test_a_crafted_pdf_is_rendered_and_read_only_in_a_child_within_the_limits(
    settings: Any,
) -> None:
    # The check at storing finds nothing wrong with it (no active content); every
    # renderer and text extractor draws its innermost form 2^30 times.
    crafted = samples.nested_forms(30)
    assert findings(crafted) == []
    settings.EXTRACT_SECONDS = 1
    assert limited.page_sizes(crafted) == [(595.0, 842.0)]  # opening it is cheap
    for work in (
        lambda: limited.page_image(crafted, 1, 110),
        lambda: limited.search(crafted, ["Storgatan"], personal_numbers=True),
        lambda: limited.redacted(crafted, [Area(1, (72, 60, 200, 110), "OSL 21 kap. 3 §")]),
    ):
        with pytest.raises(ValidationError, match=r"kunde inte läsas för maskering \(tog längre"):
            work()
    # The same work on a small nesting is done, in the child, as before.
    small = samples.nested_forms(3)
    assert limited.page_image(small, 1, 110).startswith(b"\x89PNG")  # type: ignore[union-attr]
    assert limited.page_image(small, 2, 110) is None
    found = limited.search(small, ["Storgatan"], personal_numbers=False)
    assert [a.page for a in found] == [1] * 5  # the page's word and four drawn by forms


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the objects (numbered from 1, the first the catalogue) with a correct
    cross-reference table."""
    parts, offsets = [b"%PDF-1.7\n"], []
    for number, body in enumerate(objects, 1):
        offsets.append(sum(len(p) for p in parts))
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = sum(len(p) for p in parts)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + table)
    parts.append(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
                 % (len(objects) + 1, start))  # fmt: skip
    return b"".join(parts)


def stream(data: bytes, head: bytes = b"") -> bytes:
    return b"<<" + head + b" /Length %d>>stream\n" % len(data) + data + b"\nendstream"


def test_a_hidden_layer_in_a_form_without_resources_of_its_own_is_removed() -> None:
    # The form names the hidden layer /MC0, which only the page's resources define: a
    # viewer reads the form with them and hides the text, so must the filter.
    pdf = raw_pdf([
        b"<</Type/Catalog/Pages 2 0 R/OCProperties<</OCGs[5 0 R]/D<</OFF[5 0 R]>>>>>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources"
        b"<</Font<</F1 6 0 R>>/Properties<</MC0 5 0 R>>/XObject<</X1 7 0 R>>>>>>",
        stream(b"BT /F1 12 Tf 72 700 Td (Synlig text) Tj ET q /X1 Do Q"),
        b"<</Type/OCG/Name(Dold)>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        stream(b"/OC /MC0 BDC BT /F1 12 Tf 72 600 Td (Hemlig text) Tj ET EMC",
               b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]"),
    ])  # fmt: skip
    with pymupdf.open(stream=layers.without_hidden_layers(pdf), filetype="pdf") as result:
        text = result[0].get_text()
    assert "Synlig text" in text and "Hemlig" not in text
