import base64
import io
import re
import zipfile
from typing import Any

import docx
import docx.shared
import mammoth
import PIL.Image
import pypdf
import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kansli.files import pdfactive
from kansli.files.detect import DOCX
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.meetings import actions
from kansli.meetings.models import Meeting, Section
from kansli.meetings.pack import PackError, Part, merge
from kansli.meetings.pdf import docx_pdf
from kansli.meetings.testing import make_body, make_meeting
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_provision


def pdf(*pages: str, size: str = "A4") -> bytes:
    """A PDF with one page per text."""
    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    html = f"<style>@page {{ size: {size} }} p:last-child {{ break-after: auto }}</style>{body}"
    return bytes(weasyprint.HTML(string=html).write_pdf())


def rotated(data: bytes) -> bytes:
    """The PDF with every page shown turned a quarter clockwise (/Rotate 90)."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        page.rotate(90)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int | None]]:
    """(level, title, page index) of every bookmark, in order."""
    found: list[tuple[int, str, int | None]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def stamped_at(page: pypdf.PageObject) -> tuple[float, float]:
    """Where on the page (in its own coordinates) the page number starts."""
    where: list[tuple[float, float]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if "sida" in text:
            matrix = pypdf.mult(tm, cm)
            where.append((matrix[4], matrix[5]))

    page.extract_text(visitor_text=visit)
    assert len(where) == 1
    return where[0]


@pytest.fixture(scope="module")
def pack() -> pypdf.PdfReader:
    parts = [
        Part("Kallelse med föredragningslista", pdf("Kallelse", "Föredragningslista")),
        Part("§ 1 Budget 2027", pdf("Budget")),
        Part("§ 1 Budget 2027 – Tjänsteskrivelse", pdf("Sida 1", "Sida 2", "Sida 3"), level=1),
        Part("§ 1 Budget 2027 – Bilaga Karta", pdf("Karta", size="A4 landscape"), level=1),
        Part("§ 2 Detaljplan för Vargödalen", pdf("Detaljplan")),
        Part("§ 2 Detaljplan – Bilaga Plankarta", rotated(pdf("Plankarta")), level=1),
    ]
    merged = merge(parts, footer="Kommunstyrelsen 2026-03-04")
    return pypdf.PdfReader(io.BytesIO(merged))


def test_every_page_of_every_part_is_there_once(pack):
    assert len(pack.pages) == 2 + 1 + 3 + 1 + 1 + 1
    texts = [page.extract_text() for page in pack.pages]
    assert "Föredragningslista" in texts[1]
    assert "Sida 3" in texts[5]
    assert "Plankarta" in texts[8]


def test_bookmarks_point_at_the_first_page_of_each_part(pack):
    assert outline(pack) == [
        (0, "Kallelse med föredragningslista", 0),
        (0, "§ 1 Budget 2027", 2),
        (1, "§ 1 Budget 2027 – Tjänsteskrivelse", 3),
        (1, "§ 1 Budget 2027 – Bilaga Karta", 6),
        (0, "§ 2 Detaljplan för Vargödalen", 7),
        (1, "§ 2 Detaljplan – Bilaga Plankarta", 8),
    ]


def test_every_page_is_numbered(pack):
    for number, page in enumerate(pack.pages, start=1):
        assert f"Kommunstyrelsen 2026-03-04 – sida {number} av 9" in page.extract_text()


def test_the_number_is_at_the_bottom_of_the_page_as_shown(pack):
    portrait, landscape, turned = pack.pages[0], pack.pages[6], pack.pages[8]
    x, y = stamped_at(portrait)
    assert 150 < x < 300
    assert y == pytest.approx(20)

    assert landscape.mediabox.width > landscape.mediabox.height
    x, y = stamped_at(landscape)
    assert 300 < x < 450  # centred on the wide page, not on a portrait one
    assert y == pytest.approx(20)

    # Shown turned clockwise, the page's right edge is at the bottom.
    assert turned.rotation == 90
    x, y = stamped_at(turned)
    assert x == pytest.approx(float(turned.mediabox.right) - 20)
    assert 300 < y < 450


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\nnot really", b"PK\x03\x04 a zip file", b""], ids=["broken", "zip", "empty"]
)
def test_an_unreadable_part_is_named(data):
    parts = [Part("Kallelse", pdf("Kallelse")), Part("Bilaga 2 Karta", data)]
    with pytest.raises(PackError) as raised:
        merge(parts, footer="KS")
    assert str(raised.value) == "Bilagan ”Bilaga 2 Karta” kunde inte läsas som PDF."


def test_an_encrypted_or_empty_part_is_refused_with_the_reason():
    encrypted = pypdf.PdfWriter(clone_from=io.BytesIO(pdf("Hemligt")))
    encrypted.encrypt("hemligt", algorithm="RC4-128")
    for writer, reason in [
        (encrypted, "den är lösenordsskyddad"),
        (pypdf.PdfWriter(), "den har inga sidor"),
    ]:
        out = io.BytesIO()
        writer.write(out)
        with pytest.raises(PackError) as raised:
            merge([Part("Yttrande", out.getvalue())], footer="KS")
        assert str(raised.value) == f"Bilagan ”Yttrande” kunde inte läsas som PDF: {reason}."


# Word files (DOCX) in the pack: converted by kansli.meetings.pdf.docx_pdf on dispatch.


def png() -> bytes:
    image = io.BytesIO()
    PIL.Image.new("RGB", (40, 20), (0, 90, 160)).save(image, format="PNG")
    return image.getvalue()


def word(text: str) -> bytes:
    """A DOCX as Word writes one: a heading, a paragraph with `text`, a table, a picture."""
    document = docx.Document()
    document.add_heading("Detaljplan för Vargödalen", level=1)
    document.add_paragraph(f"Planen bevarar {text} mellan kvarteren.")
    table = document.add_table(rows=2, cols=2)
    for cell, value in zip(table._cells, ["Kvarter", "Bostäder", "Vargen 1", "42"], strict=True):
        cell.text = value
    document.add_picture(io.BytesIO(png()), width=docx.shared.Cm(4))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def not_word() -> bytes:
    """A ZIP whose content types name a Word document, but without the document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
    return out.getvalue()


@pytest.fixture
def agenda(db: None) -> dict[str, Any]:
    body = make_body()
    return {
        "meeting": make_meeting(body),
        "case": make_case("Detaljplan för Vargödalen", authority=body.authority),
    }


def registered(case: Any, description: str, data: bytes, name: str, **kwargs: Any) -> Any:
    document = registry.do_register_document(
        case,
        "upprattad",
        timezone.localdate(),
        description,
        actor=None,
        **kwargs,
    )
    registry.do_attach_file(document, store_bytes(data, name), name, actor=None)
    return document


def dispatched_pack(meeting: Meeting) -> pypdf.PdfReader:
    actions.do_dispatch_meeting(meeting, actor=None)
    meeting.refresh_from_db()
    assert meeting.pack is not None
    with meeting.pack.open() as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def test_a_word_report_is_converted_into_the_pack(agenda):
    report = registered(
        agenda["case"], "Tjänsteskrivelse", word("Grönstråket"), "tjansteskrivelse.docx"
    )
    actions.do_preregister_item(
        agenda["meeting"], agenda["case"], title="Detaljplan för Vargödalen", report=report,
        actor=None,
    )  # fmt: skip
    pack = dispatched_pack(agenda["meeting"])
    with agenda["meeting"].notice.open() as handle:
        notice_pages = len(pypdf.PdfReader(handle).pages)

    assert len(pack.pages) > notice_pages
    assert outline(pack) == [
        (0, "Kallelse och föredragningslista", 0),
        (0, "1. Detaljplan för Vargödalen", notice_pages),
    ]
    converted = pack.pages[notice_pages]
    text = converted.extract_text()
    assert f"Tjänsteskrivelse, dnr {report.document_number}" in text
    assert "Omvandlad till PDF från Word-filen ”tjansteskrivelse.docx”" in text
    assert "Planen bevarar Grönstråket mellan kvarteren." in text
    assert "Vargen 1" in text and "42" in text  # the table
    assert len(converted.images) == 1  # the picture; the profile has no logo


def test_a_file_that_is_not_really_word_stops_the_dispatch_and_is_named(agenda):
    statement = registered(agenda["case"], "Yttrande", not_word(), "yttrande.docx")
    assert statement.files.get().stored.content_type == DOCX.mime
    actions.do_preregister_item(
        agenda["meeting"], agenda["case"], title="Detaljplan för Vargödalen",
        attachments=[statement], actor=None,
    )  # fmt: skip
    message = f"Bilagan ”{statement.document_number} Yttrande” kunde inte läsas som Word-dokument."

    with pytest.raises(PackError) as raised:
        docx_pdf(statement, statement.files.get())
    assert str(raised.value) == message
    with pytest.raises(ValidationError) as refused:
        actions.do_dispatch_meeting(agenda["meeting"], actor=None)
    assert refused.value.messages == [message]
    meeting = Meeting.objects.get(pk=agenda["meeting"].pk)
    assert meeting.dispatched_at is None and meeting.notice is None and meeting.pack is None


def test_a_pdf_whose_check_failed_stops_the_dispatch_unread(agenda, monkeypatch):
    """Its active-content check failed in the sandbox (a PDF built to hang pypdf, say):
    the pack does not read it outside the sandbox, and the secretary is told which."""
    statement = registered(agenda["case"], "Yttrande", pdf("Yttrande"), "yttrande.pdf")
    StoredFile.objects.filter(pk=statement.files.get().stored_id).update(
        active_content=pdfactive.UNREADABLE
    )
    actions.do_preregister_item(
        agenda["meeting"], agenda["case"], title="Detaljplan för Vargödalen",
        attachments=[statement], actor=None,
    )  # fmt: skip
    monkeypatch.setattr(pypdf, "PdfReader", lambda *args, **kwargs: pytest.fail("read"))
    with pytest.raises(ValidationError) as refused:
        actions.do_dispatch_meeting(agenda["meeting"], actor=None)
    assert refused.value.messages == [
        f"Bilagan ”{statement.document_number} Yttrande” kunde inte läsas som PDF: den kunde "
        "inte kontrolleras."
    ]


def test_a_secret_word_document_is_left_out(agenda):
    report = registered(agenda["case"], "Tjänsteskrivelse", word("Grönstråket"), "ts.docx")
    # Not even read: a file that is not Word would stop the dispatch if it were.
    secret = registered(
        agenda["case"], "Yttrande från Anna Andersson", not_word(), "yttrande.docx",
        secrecy=make_provision(),
    )  # fmt: skip
    actions.do_preregister_item(
        agenda["meeting"], agenda["case"], title="Detaljplan för Vargödalen", report=report,
        attachments=[secret], actor=None,
    )  # fmt: skip
    pack = dispatched_pack(agenda["meeting"])

    assert [title for _level, title, _page in outline(pack)] == [
        "Kallelse och föredragningslista",
        "1. Detaljplan för Vargödalen",
    ]
    assert "Anna Andersson" not in "".join(page.extract_text() for page in pack.pages)


def test_the_converted_html_loads_nothing_but_its_own_images(agenda, tmp_path, monkeypatch):
    picture = tmp_path / "karta.png"
    picture.write_bytes(png())
    stylesheet = tmp_path / "stil.css"
    stylesheet.write_text("p { display: none }")
    embedded = base64.b64encode(png()).decode()
    html = (
        f'<link rel="stylesheet" href="{stylesheet.as_uri()}">'
        f'<p>Synlig text</p><img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/karta.png">'
        f'<img src="data:image/png;base64,{embedded}">'
    )
    monkeypatch.setattr(
        mammoth, "convert_to_html", lambda *args, **kwargs: mammoth.results.Result(html, [])
    )
    document = registered(agenda["case"], "Karta", word("Karta"), "karta.docx")

    pages = pypdf.PdfReader(io.BytesIO(docx_pdf(document, document.files.get()))).pages
    assert "Synlig text" in pages[0].extract_text()  # the file's stylesheet was not read
    assert len(pages[0].images) == 1  # only the embedded one


def test_the_notice_numbers_its_pages_and_items_as_the_pack_does(agenda):
    """Issue 12, part 10: the notice standing alone counts its own pages; opening the
    pack it carries only the pack's numbers (once per page); its items are numbered
    1, 2, 3 … as the pack's bookmarks are; no page ends on a section's heading."""
    meeting, sections = agenda["meeting"], [Section.DECISIONS, Section.INFORMATION]
    for n in range(1, 46):
        case = make_case(
            f"Ärende nummer {n} om en lång rad saker", authority=meeting.body.authority
        )
        report = registered(case, "Tjänsteskrivelse", pdf(f"Rapport {n}"), f"r{n}.pdf")
        actions.do_preregister_item(
            meeting, case, title=f"Ärende nummer {n} om en lång rad saker", report=report,
            section=sections[n > 30], actor=None,
        )  # fmt: skip
    pack = dispatched_pack(meeting)
    with meeting.notice.open() as handle:
        notice = pypdf.PdfReader(io.BytesIO(handle.read()))
    pages = len(notice.pages)
    assert pages >= 2
    texts = [page.extract_text() for page in notice.pages]
    for number, text in enumerate(texts, start=1):
        assert text.count(f"Sida {number} av {pages}") == 1
    with translation.override("sv"):
        headings = [str(Section(s).label).capitalize() for s in sections]
    for text in texts[:-1]:
        last = [line for line in text.splitlines() if line.strip() and "Sida" not in line][-1]
        assert last.strip() not in headings
    listed = re.findall(r"^(\d+) Ärende nummer (\d+)\b", "\n".join(texts), re.MULTILINE)
    assert [(int(a), int(b)) for a, b in listed] == [(n, n) for n in range(1, 46)]
    for number in range(pages):
        text = pack.pages[number].extract_text()
        assert "Sida " not in text
        assert text.count(f"sida {number + 1} av {len(pack.pages)}") == 1
    assert [title for level, title, _page in outline(pack) if level == 0][1:] == [
        f"{n}. Ärende nummer {n} om en lång rad saker" for n in range(1, 46)
    ]


def test_a_reports_javascript_and_attached_files_stay_out_of_the_pack(agenda):
    from kansli.files import pdfactive
    from kansli.files.tests.test_pdfactive import with_attachment, with_javascript

    report = registered(agenda["case"], "Tjänsteskrivelse", with_javascript(), "ts.pdf")
    appendix = registered(agenda["case"], "Bilaga", with_attachment(), "bilaga.pdf")
    actions.do_preregister_item(
        agenda["meeting"], agenda["case"], title="Detaljplan för Vargödalen", report=report,
        attachments=[appendix], actor=None,
    )  # fmt: skip
    dispatched_pack(agenda["meeting"])
    with agenda["meeting"].pack.open() as handle:
        data = handle.read()
    assert pdfactive.findings(data) == []
    assert b"/JavaScript" not in data and b"/EmbeddedFiles" not in data
    with report.files.get().stored.open() as handle:  # the registered report is as it came
        assert pdfactive.findings(handle.read()) == ["javascript"]
