"""Each kind of file becomes a PDF whose text can be found and redacted: Word (DOCX,
DOC), ODT and RTF through LibreOffice headless, images through PyMuPDF, e-mails (EML,
MSG) as their headers, text and list of attachments."""

from __future__ import annotations

import pymupdf
import pytest

from kansli.files.tests import samples
from kansli.redaction.convert import NotConvertible, convertible, to_pdf
from kansli.redaction.find import find_text
from kansli.redaction.verify import pdftotext_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RTF = rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}\f0\fs24 Beslut om bygglov f\'f6r Storgatan 5.\par}"


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (samples.word(cell="Nämndbeslut om förskola"), DOCX, "Nämndbeslut om förskola"),
        (samples.odt(heading="Tjänsteskrivelse om skolskjuts"),
         "application/vnd.oasis.opendocument.text", "Tjänsteskrivelse om skolskjuts"),
        (RTF, "application/rtf", "Beslut om bygglov för Storgatan 5."),
    ],
    ids=["docx", "odt", "rtf"],
)  # fmt: skip
def test_office_files_are_converted_by_libreoffice(
    data: bytes, content_type: str, expected: str
) -> None:
    pdf = to_pdf(data, content_type)
    assert pdf.startswith(b"%PDF")
    assert expected in " ".join(pdftotext_text(pdf).split())


def test_an_image_becomes_a_page_of_its_size() -> None:
    pdf = to_pdf(samples.png(side=40), "image/png")
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        assert document.page_count == 1
        assert len(document[0].get_images()) == 1
        assert document[0].rect.width == document[0].rect.height  # the square image's


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (samples.eml(attachments={"ritning.pdf": samples.pdf("Ritning")}), "message/rfc822"),
        (samples.msg(body="Hej! Här är ansökan om bygglov för förrådet.",
                     attachments=[("ritning.pdf", samples.pdf("Ritning"), "")]),
         "application/vnd.ms-outlook"),
    ],
    ids=["eml", "msg"],
)  # fmt: skip
def test_an_email_shows_headers_text_and_attachments(data: bytes, content_type: str) -> None:
    pdf = to_pdf(data, content_type)
    text = " ".join(pdftotext_text(pdf).split())
    assert "Från: Åsa Öberg <asa.oberg@example.se>" in text
    assert "Ämne:" in text and "Bilagor: • ritning.pdf" in text
    assert find_text(pdf, ["Åsa Öberg"])


def test_a_pdf_is_kept_as_it_is_and_other_types_are_refused() -> None:
    pdf = samples.pdf("Protokoll")
    assert to_pdf(pdf, "application/pdf") is pdf
    assert not convertible("application/zip")
    with pytest.raises(NotConvertible):
        to_pdf(b"PK...", "application/zip")
