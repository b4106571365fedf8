"""The engine on hand-made PDFs: what lies under an area is gone for every reader (pypdf,
pdftotext, PyMuPDF, OCR of the rendered page) while what lies beside it stays; image
pixels and vector drawings under it are removed; what a PDF can hide beside its pages is
stripped; the raw bytes keep nothing; the check refuses what survives."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pymupdf
import pytest
from pymupdf import mupdf

from kansli.redaction.areas import Area, words_under
from kansli.redaction.find import find_personal_numbers, find_text
from kansli.redaction.redact import redact
from kansli.redaction.verify import pdftotext_text, pypdf_text, verify

NAME, NUMBER = "Anna Svensson", "19811218-9876"
PROVISION = "OSL 21 kap. 3 §"
IMAGE_RECT = pymupdf.Rect(72, 200, 272, 300)
SECRET_DRAWING = pymupdf.Rect(320, 200, 420, 300)
OTHER_DRAWING = pymupdf.Rect(320, 400, 420, 500)
HIDDEN = ("Hemlig författare", "Hemlig titel", "HemligXMP", "Hemlig kommentar",
          "Hemlig bilaga", "Formulärhemlighet", "HemligtSkript", "Dold lagertext",
          "Osynlig hemlighet")  # fmt: skip
KEY = b"test"


def red_png() -> bytes:
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 100, 50), False)
    pixmap.set_rect(pixmap.irect, (255, 0, 0))
    return pixmap.tobytes("png")


def source(tmp_path: Path) -> bytes:
    """A letter with a name, a personal identity number, an image, two drawings and all
    that a PDF can hide, saved with a second revision appended (incremental save)."""
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 100), f"Sökande: {NAME}, personnummer {NUMBER}.", fontsize=11)
    page.insert_text((72, 130), "Ärendet gäller bygglov för Storgatan 5.", fontsize=11)
    page.insert_image(IMAGE_RECT, stream=red_png())
    page.draw_rect(SECRET_DRAWING, color=(0, 0, 1), fill=(0, 0, 1))
    page.draw_rect(OTHER_DRAWING, color=(0, 1, 0), fill=(0, 1, 0))
    hidden_layer = document.add_ocg("Dold", on=False)
    page.insert_text((72, 700), "Dold lagertext", fontsize=11, oc=hidden_layer)
    page.insert_text((72, 720), HIDDEN[8], fontsize=11, render_mode=3)  # invisible
    document.set_metadata({"author": HIDDEN[0], "title": HIDDEN[1]})
    document.set_xml_metadata(f"<x:xmpmeta xmlns:x='adobe:ns:meta/'>{HIDDEN[2]}</x:xmpmeta>")
    page.add_text_annot((500, 50), HIDDEN[3])
    document.embfile_add("bilaga.txt", HIDDEN[4].encode())
    field = pymupdf.Widget()
    field.field_type, field.field_name = mupdf.PDF_WIDGET_TYPE_TEXT, "falt"
    field.field_value, field.rect = HIDDEN[5], pymupdf.Rect(72, 600, 272, 620)
    page.add_widget(field)
    script = document.get_new_xref()
    document.update_object(script, f"<</S/JavaScript/JS(app.alert\\('{HIDDEN[6]}'\\))>>")
    document.xref_set_key(document.pdf_catalog(), "OpenAction", f"{script} 0 R")
    path = tmp_path / "source.pdf"
    document.save(path)
    document.close()
    with pymupdf.open(path) as again:
        again[0].insert_text((72, 160), "Tillägg i en andra version.", fontsize=11)
        again.saveIncr()
    return path.read_bytes()


def marked(pdf: bytes) -> list[Area]:
    found = find_text(pdf, [NAME]) + find_personal_numbers(pdf)
    image_half = (72.0, 200.0, 172.0, 300.0)
    drawing = (318.0, 198.0, 422.0, 302.0)  # SECRET_DRAWING and a little more
    return [Area(a.page, a.rect, PROVISION) for a in found] + [
        Area(1, image_half, PROVISION),
        Area(1, drawing, PROVISION),
    ]


def ocr(pdf: bytes) -> str:
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        png = document[0].get_pixmap(dpi=200).tobytes("png")
    done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "swe"], input=png,
                          capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode()


def spellings(text: str) -> list[bytes]:
    """How a string can stand in a PDF's bytes: as Latin-1 or UTF-16 text, or in hex."""
    encoded = [text.encode("latin-1", "ignore"), text.encode("utf-16-be")]
    hexes = [e.hex() for e in encoded]
    return encoded + [h.encode() for h in hexes] + [h.upper().encode() for h in hexes]


def qdf(tmp_path: Path, pdf: bytes) -> bytes:
    """The file uncompressed, every object written out (qpdf --qdf)."""
    (tmp_path / "in.pdf").write_bytes(pdf)
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(tmp_path / "in.pdf"),
                    str(tmp_path / "out.pdf")], check=True)  # fmt: skip
    return (tmp_path / "out.pdf").read_bytes()


def test_the_personal_number_and_the_name_are_found_in_the_text_layer(tmp_path: Path) -> None:
    pdf = source(tmp_path)
    assert [a.page for a in find_personal_numbers(pdf)] == [1]
    assert len(find_text(pdf, ["anna  SVENSSON"])) == 1
    assert find_text(pdf, ["Bertil"]) == []
    assert words_under(pdf, marked(pdf)[:2]) == [NAME, NUMBER]


@pytest.fixture
def redacted(tmp_path: Path) -> tuple[bytes, bytes]:
    pdf = source(tmp_path)
    return pdf, redact(pdf, marked(pdf))


def test_text_under_an_area_is_gone_for_every_reader_and_the_rest_stays(
    redacted: tuple[bytes, bytes],
) -> None:
    original, result = redacted
    with pymupdf.open(stream=result, filetype="pdf") as document:
        mupdf = document[0].get_text()
    readers = {"pypdf": pypdf_text(result), "pdftotext": pdftotext_text(result),
               "pymupdf": mupdf, "ocr": ocr(result)}  # fmt: skip
    for reader, text in readers.items():
        squeezed = text.replace(" ", "").replace("\n", "")
        assert "Svensson" not in text and "19811218" not in squeezed, reader
        assert "Storgatan" in text, reader
    assert "OSL 21 kap. 3 §" in readers["pdftotext"]
    assert "Svensson" in ocr(original)  # the OCR reads the original


def test_image_pixels_under_an_area_are_removed(redacted: tuple[bytes, bytes]) -> None:
    _original, result = redacted
    with pymupdf.open(stream=result, filetype="pdf") as document:
        (image,) = document[0].get_images()
        pixmap = pymupdf.Pixmap(document, image[0])
    assert pixmap.pixel(10, 25) != (255, 0, 0)  # under the area: the red is gone
    assert pixmap.pixel(90, 25) == (255, 0, 0)  # beside it: kept


def test_a_drawing_under_an_area_is_removed(redacted: tuple[bytes, bytes]) -> None:
    _original, result = redacted
    with pymupdf.open(stream=result, filetype="pdf") as document:
        fills = [d["fill"] for d in document[0].get_drawings()]
    assert (0.0, 0.0, 1.0) not in fills
    assert (0.0, 1.0, 0.0) in fills


def test_what_a_pdf_hides_beside_its_pages_is_stripped(
    tmp_path: Path, redacted: tuple[bytes, bytes]
) -> None:
    original, result = redacted
    raw_before, raw_after = qdf(tmp_path, original), qdf(tmp_path, result)
    for secret in (*HIDDEN, NAME):
        assert secret.encode("latin-1", "ignore") in raw_before or secret in HIDDEN[3:5]
        for spelt in spellings(secret):
            assert spelt not in raw_after, secret
    with pymupdf.open(stream=result, filetype="pdf") as document:
        catalog = document.pdf_catalog()
        info = document.metadata
        assert not any(info[k] for k in ("author", "title", "subject", "keywords", "creator"))
        assert document.get_xml_metadata() == ""
        assert list(document[0].annots()) == [] and list(document[0].widgets()) == []
        assert document.embfile_count() == 0 and document.get_ocgs() == {}
        for key in ("OpenAction", "AcroForm", "Names", "OCProperties"):
            assert document.xref_get_key(catalog, key) == ("null", "null")
    assert b"/JavaScript" not in raw_after and b"/Prev" not in raw_after
    assert "Dold lagertext" not in pdftotext_text(result)


def test_a_scanned_page_is_redacted_by_areas_found_by_ocr(tmp_path: Path) -> None:
    text = pymupdf.open()
    page = text.new_page(width=420, height=120)
    page.insert_text((20, 40), f"Sökande {NAME}", fontsize=16)
    page.insert_text((20, 80), f"Personnummer {NUMBER} Storgatan", fontsize=16)
    scan = text[0].get_pixmap(dpi=200).tobytes("png")
    document = pymupdf.open()
    document.new_page(width=420, height=120).insert_image(pymupdf.Rect(0, 0, 420, 120), stream=scan)
    pdf = document.tobytes()
    areas = [Area(a.page, a.rect, PROVISION)
             for a in find_text(pdf, ["Svensson"]) + find_personal_numbers(pdf)]  # fmt: skip
    assert len(areas) == 2
    result = redact(pdf, areas)
    read_back = ocr(result)
    assert "Svensson" not in read_back and "19811218" not in read_back.replace(" ", "")
    assert "Storgatan" in read_back
    assert verify(result, [*words_under(pdf, areas), "Svensson"], key=KEY).verified


def test_the_check_refuses_when_a_marked_string_survives(tmp_path: Path) -> None:
    pdf = source(tmp_path)
    only_the_number = [Area(a.page, a.rect, PROVISION) for a in find_personal_numbers(pdf)]
    result = redact(pdf, only_the_number)
    check = verify(result, [*words_under(pdf, only_the_number), NAME], key=KEY)
    assert not check.verified
    assert check.checked == 2
    assert {n: len(f) for n, f in check.found.items()} == {"pypdf": 1, "pdftotext": 1}
    assert NAME not in str(check.as_json()) and NUMBER not in str(check.as_json())
    assert verify(redact(pdf, marked(pdf)), [NAME, NUMBER], key=KEY).verified


def test_an_area_off_the_document_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sidan 2"):
        redact(source(tmp_path), [Area(2, (0, 0, 10, 10), PROVISION)])
