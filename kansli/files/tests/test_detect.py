from __future__ import annotations

import codecs
import io

import pytest

from kansli.files import detect
from kansli.files.detect import FileType, detect_type, looks_like_mail, text_encoding
from kansli.files.tests import samples


def detected(data: bytes) -> FileType | None:
    return detect_type(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.pdf(), detect.PDF),
        (samples.word(), detect.DOCX),
        (samples.xlsx(), detect.XLSX),
        (samples.doc(), detect.DOC),
        (samples.odt(), detect.ODT),
        (samples.ods(), detect.ODS),
        (samples.RTF, detect.RTF),
        (samples.eml(), detect.EML),
        (samples.msg(), detect.MSG),
        (samples.png(), detect.PNG),
        (samples.JPEG, detect.JPEG),
        (samples.TIFF, detect.TIFF),
        ("Beslut om bygglov för Ängsgården\n".encode(), detect.TEXT),
        ("namn;ort\nÅsa;Örebro\n".encode("cp1252"), detect.TEXT),
        (codecs.BOM_UTF16_LE + "Hej på dig".encode("utf-16-le"), detect.TEXT),
        (samples.zipped(), detect.ZIP),
        (samples.ELF, detect.ELF),
        (samples.EXE, detect.EXE),
        (samples.MACHO, detect.MACHO),
    ],
    ids=lambda value: value.mime if isinstance(value, FileType) else "",
)
def test_type_from_content(data: bytes, expected: FileType) -> None:
    assert detected(data) == expected


def test_a_zip_without_office_parts_is_a_zip_even_with_a_content_types_part() -> None:
    assert detected(samples.zipped({"[Content_Types].xml": "<Types/>"})) == detect.ZIP


def test_text_that_starts_like_a_bmp_signature_is_text() -> None:
    assert detected("BMW;Volvo\nÅsa;Örebro\n".encode("cp1252")) == detect.TEXT


def test_other_signatures_are_named_by_their_mime_type() -> None:
    assert detected(samples.GIF) == FileType("image/gif", "en fil av typen image/gif")


@pytest.mark.parametrize(
    "data",
    [samples.NOISE, b"Hej\x00d\xe5", samples.ole({"Unknown": b"x" * 600})],
    ids=["noise", "nul", "unknown-ole"],
)
def test_unknown_content(data: bytes) -> None:
    assert detected(data) is None


def test_detection_leaves_the_file_at_its_start() -> None:
    file = io.BytesIO(samples.word())
    file.seek(100)
    detect_type(file)
    assert file.tell() == 0


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"From: a@example.se\r\nSubject: Hej\r\n\r\nText", True),
        (b"From a@example.se Fri Mar 14 10:00:00 2025\nFrom: a@example.se\nDate: x\n\nb", True),
        (b"From: a@example.se\nSubject: en rad\n som forts\xc3\xa4tter\n\nText", True),
        (b"Subject: Hej\nTo: b@example.se\n\nText", False),  # no From
        (b"From: a@example.se\n\nText", False),  # From alone
        (b"Protokoll\nFrom: a@example.se\nSubject: Hej\n\nText", False),
    ],
)
def test_looks_like_mail(head: bytes, expected: bool) -> None:
    assert looks_like_mail(head) is expected


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Överklagande".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Överklagande".encode(), "utf-8-sig"),
        ("Överklagande".encode("cp1252"), "cp1252"),
        ("Överklagande".encode("utf-16"), "utf-16"),
        (b"\x81\x8d", None),  # undefined in Windows-1252 and not UTF-8
        (b"tab\tand form feed\x0c are text, bell \x07 is not", None),
    ],
)
def test_text_encoding(data: bytes, encoding: str | None) -> None:
    assert text_encoding(io.BytesIO(data)) == encoding


def test_text_encoding_reads_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "CHUNK_SIZE", 3)
    # "ö" is two bytes in UTF-8 and falls across a chunk boundary here.
    assert text_encoding(io.BytesIO("abö".encode() * 5)) == "utf-8"
