import io

import pypdf
import pytest
import weasyprint

from kansli.meetings.pack import PackError, Part, merge


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
