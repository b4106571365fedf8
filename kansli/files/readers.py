"""Reading the text out of a file, by its (detected) type: PDF (pypdf), Word (DOCX,
python-docx), OpenDocument (odfpy), plain text and e-mail. Each reader runs in a child
process within kansli.files.sandbox's limits (a file built to hang or swell a reader
takes nothing from the process that asked).

Kept apart from kansli.files.extract, which every process loads (storing a file queues
its extraction): these readers and their libraries (about 20 MB of memory and 0.1 s)
are loaded by the processes that read a file's text, not by every command and worker
at start. A web worker loads pypdf all the same, through the views and template tags
that handle PDFs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import docx
from django.utils import timezone
from docx.table import Table
from odf import opendocument, teletype
from odf.namespaces import TEXTNS
from pypdf import PdfReader

from kansli.files.detect import DOCX, EML, MSG, ODP, ODS, ODT, PDF, TEXT, text_encoding
from kansli.files.mail import parse_mail
from kansli.files.sandbox import text_within_limits


class Unsupported(Exception):
    """No text is extracted from this type of file."""


def text_of(file: IO[bytes], content_type: str) -> str:
    """The text of a file of the given (detected) type, e.g. an upload not yet stored,
    read in a child process within the limits (NUL removed, at most MAX_TEXT_CHARS).
    Raises Unsupported for a type without text here, ReadFailed for a file its reader
    cannot read and OverLimit for one over the limits."""
    extractor = EXTRACTORS.get(content_type)
    if extractor is None:
        raise Unsupported(content_type)
    file.seek(0)
    return text_within_limits(file.read(), extractor)


def _pdf(file: IO[bytes]) -> str:
    return "\n\n".join(page.extract_text() for page in PdfReader(file).pages)


def _docx(file: IO[bytes]) -> str:
    """Paragraphs and tables in the order of the document, a line per table row."""
    lines: list[str] = []
    for block in docx.Document(file).iter_inner_content():
        if isinstance(block, Table):
            lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _odf(file: IO[bytes]) -> str:
    """Every paragraph and heading of an OpenDocument text, spreadsheet or presentation."""
    return "\n".join(_paragraphs(opendocument.load(file).body))


def _paragraphs(element: Any) -> Iterator[str]:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname in {(TEXTNS, "p"), (TEXTNS, "h")}:
            yield teletype.extractText(child)
        else:
            yield from _paragraphs(child)


def _text(file: IO[bytes]) -> str:
    encoding = text_encoding(file)
    if encoding is None:
        raise ValueError("the file does not decode as text")
    return file.read().decode(encoding)


def _mail(file: IO[bytes]) -> str:
    """Subject, sender, recipients, date, the text and the attachments' names."""
    mail = parse_mail(file.read())
    return "\n".join(
        line
        for line in (
            mail.subject,
            mail.sender,
            *mail.recipients,
            timezone.localtime(mail.date).strftime("%Y-%m-%d %H:%M") if mail.date else "",
            mail.body.strip(),
            *(attachment.filename for attachment in mail.attachments),
        )
        if line
    )


EXTRACTORS: dict[str, Callable[[IO[bytes]], str]] = {
    PDF.mime: _pdf,
    DOCX.mime: _docx,
    ODT.mime: _odf,
    ODS.mime: _odf,
    ODP.mime: _odf,
    TEXT.mime: _text,
    EML.mime: _mail,
    MSG.mime: _mail,
}
