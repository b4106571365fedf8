"""Real files of every kind the store meets, made in memory for the tests."""

from __future__ import annotations

import datetime
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Sequence
from email.message import EmailMessage

import docx
import pymupdf
from extract_msg import OleWriter
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import H, P

SWEDISH = "Överklagande av bygglov för Ängsgården på Åsgatan"


def pdf(*lines: str) -> bytes:
    """A one-page PDF showing the lines in Helvetica (WinAnsi: Swedish letters work)."""

    def literal(line: str) -> bytes:
        escaped = line.encode("cp1252").replace(b"\\", b"\\\\")
        return b"(" + escaped.replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    shown = b" ".join(literal(line) + b" '" for line in lines or (SWEDISH,))
    content = b"BT /F1 12 Tf 72 760 Td 14 TL " + shown + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def word(paragraph: str = SWEDISH, cell: str = "Nämndbeslut") -> bytes:
    """A DOCX with a paragraph and a one-row table."""
    document = docx.Document()
    document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Dnr KS 2025/17"
    table.cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb(unpacked_mb: int = 20) -> bytes:
    """A Word file whose text part unpacks to `unpacked_mb` megabytes of one letter
    repeated (a few kilobytes packed): a zip bomb. The XML stays well formed."""
    real = zipfile.ZipFile(io.BytesIO(word()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            data = real.read(item)
            if item.filename == "word/document.xml":
                filler = b"a" * (unpacked_mb * 1024 * 1024)
                data = data.replace(b"</w:t>", filler + b"</w:t>", 1)
            bomb.writestr(item.filename, data)
    return out.getvalue()


def odt(heading: str = "Tjänsteskrivelse", paragraph: str = SWEDISH) -> bytes:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    document.text.addElement(P(text=paragraph))
    return _odf(document)


def ods(cell: str = "Årsbudget för äldreomsorg") -> bytes:
    document = OpenDocumentSpreadsheet()
    table, row, table_cell = Table(name="Blad1"), TableRow(), TableCell()
    table_cell.addElement(P(text=cell))
    row.addElement(table_cell)
    table.addElement(row)
    document.spreadsheet.addElement(table)
    return _odf(document)


def _odf(document: OpenDocumentText | OpenDocumentSpreadsheet) -> bytes:
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def xlsx() -> bytes:
    """The parts of an XLSX that name it one: its content types and its workbook."""
    return zipped(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/></Types>',
            "xl/workbook.xml": "<workbook/>",
        }
    )


def zipped(members: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in (members or {"protokoll.txt": SWEDISH}).items():
            archive.writestr(name, text)
    return out.getvalue()


def png(side: int = 8, *, noise: bool = False) -> bytes:
    """A square RGB PNG; with noise it hardly compresses (about 3 bytes a pixel)."""
    pixels = random.Random(side)

    def row() -> bytes:
        return b"\0" + (pixels.randbytes(side * 3) if noise else b"\xff" * side * 3)

    raw = b"".join(row() for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
TIFF = b"II*\x00\x08\x00\x00\x00" + bytes(16)
RTF = b"{\\rtf1\\ansi Beslut i \\'e4rendet}"
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(16)
ELF = b"\x7fELF\x02\x01\x01" + bytes(57)
EXE = b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\0\0" + bytes(64)
MACHO = b"\xcf\xfa\xed\xfe" + bytes(60)
NOISE = random.Random(0).randbytes(4096)


def ole(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (the container of .doc, .xls and .msg) with these streams."""
    writer = OleWriter()
    for path, data in streams.items():
        writer.addEntry(path, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def doc() -> bytes:
    return ole({"WordDocument": b"\xec\xa5" + bytes(510), "1Table": bytes(512)})


SENT = datetime.datetime(2025, 3, 14, 9, 30, tzinfo=datetime.UTC)


def eml(
    *,
    subject: str = "Överklagande av bygglov",
    sender: str = "Åsa Öberg <asa.oberg@example.se>",
    date: str | None = "Fri, 14 Mar 2025 10:30:00 +0100",
    body: str | None = "Hej! Här kommer överklagandet gällande Ängsgården.",
    html: str | None = None,
    attachments: dict[str, bytes] | None = None,
) -> bytes:
    """An e-mail from the standard library's email package: a text body (and an HTML
    one), then each attachment, PDFs and images by their content."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Registrator <registrator@exempelstad.se>"
    message["Cc"] = "Johan Berg <johan.berg@exempelstad.se>"
    message["Subject"] = subject
    if date:
        message["Date"] = date
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, data in (attachments or {}).items():
        image = data.startswith(b"\x89PNG")
        maintype, subtype = ("image", "png") if image else ("application", "pdf")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def msg(
    *,
    subject: str = "Bygglov på Ängsvägen 3",
    sender: tuple[str, str] = ("Åsa Öberg", "asa.oberg@example.se"),
    body: str | None = "Hej! Här är ansökan om bygglov för förrådet.",
    html: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    message_class: str = "IPM.Note",
) -> bytes:
    """An Outlook .msg as Outlook writes one: an OLE2 compound file with the message's
    properties (MS-OXMSG), one recipient, and attachments as (name, data, content id)."""
    streams: dict[str, bytes] = {}

    def properties(path: str, header: bytes, strings: dict[int, str], fixed: bytes) -> None:
        entries = b""
        for tag, text in strings.items():
            data = text.encode("utf-16-le")
            streams[f"{path}__substg1.0_{tag:08X}"] = data
            entries += struct.pack("<IIII", tag, 6, len(data) + 2, 0)
        streams[f"{path}__properties_version1.0"] = header + entries + fixed

    filetime = (SENT - datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC)) // datetime.timedelta(
        microseconds=1
    )
    top = {0x001A001F: message_class, 0x0037001F: subject, 0x0C1A001F: sender[0]}
    top[0x5D01001F] = sender[1]
    if body is not None:
        top[0x1000001F] = body
    fixed = _fixed(0x00390040, struct.pack("<Q", filetime * 10))  # PR_CLIENT_SUBMIT_TIME
    fixed += _fixed(0x0E070003, struct.pack("<II", 1, 0))  # PR_MESSAGE_FLAGS: read, sent
    header = bytes(8) + struct.pack("<IIII", 1, len(attachments), 1, len(attachments)) + bytes(8)
    properties("", header, top, fixed)
    if html is not None:
        streams["__substg1.0_10130102"] = html.encode()
    recipient = "__recip_version1.0_#00000000/"
    properties(
        recipient,
        bytes(8),
        {0x3001001F: "Registrator", 0x39FE001F: "registrator@exempelstad.se"},
        _fixed(0x0C150003, struct.pack("<II", 1, 0)),  # PR_RECIPIENT_TYPE: To
    )
    for number, (name, data, content_id) in enumerate(attachments):
        path = f"__attach_version1.0_#{number:08X}/"
        streams[f"{path}__substg1.0_37010102"] = data
        strings = {0x3707001F: name}
        if content_id:
            strings[0x3712001F] = content_id
        size = struct.pack("<IIII", 0x37010102, 6, len(data), 0)
        properties(path, bytes(8), strings, size + _fixed(0x37050003, struct.pack("<II", 1, 0)))
    for stream in ("00020102", "00030102", "00040102"):
        streams[f"__nameid_version1.0/__substg1.0_{stream}"] = b""
    return ole(streams)


def _fixed(tag: int, value: bytes) -> bytes:
    """A fixed-length property entry of a properties stream: tag, flags, 8-byte value."""
    return struct.pack("<II", tag, 6) + value


def nested_forms(levels: int, text: str = "Beslut om bygglov, Storgatan 1") -> bytes:
    """A one-page PDF, valid and free of active content, whose page draws a form that
    draws the next one twice, `levels` deep: 2^levels draws of the innermost form (a
    word and a square), with a hidden layer (optional content) beside it. A renderer or
    text extractor that follows the forms runs for hours at thirty levels."""

    with pymupdf.open() as document:
        page = document.new_page()
        page.insert_text((72, 100), text)
        document.add_ocg("Dold", on=False)
        inner = None
        for _level in range(levels):
            xref = document.get_new_xref()
            if inner is None:
                resources, content = "", b"BT /Helv 8 Tf 10 10 Td (Storgatan) Tj ET 0 0 5 5 re f"
            else:
                resources = f"/Resources << /XObject << /F {inner} 0 R >> >>"
                content = b"q /F Do Q q 1 0 0 1 1 1 cm /F Do Q"
            document.update_object(
                xref, f"<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] {resources} >>"
            )
            document.update_stream(xref, content)
            inner = xref
        _kind, resources = document.xref_get_key(page.xref, "Resources")
        document.xref_set_key(int(resources.split()[0]), "XObject", f"<< /N0 {inner} 0 R >>")
        drawing = document.get_new_xref()
        document.update_object(drawing, "<< >>")
        document.update_stream(drawing, b"q /N0 Do Q")
        contents = document.xref_get_key(page.xref, "Contents")[1].strip("[]")
        document.xref_set_key(page.xref, "Contents", f"[{contents} {drawing} 0 R]")
        return bytes(document.tobytes())
