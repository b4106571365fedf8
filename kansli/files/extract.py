"""The text of stored files, for search, extracted in the background.

`queue_extraction` (which storing a new file calls) runs `extract_file_text` in
`kansli worker` once the transaction commits. The task sets the file's extraction to
done with the text, to unsupported for types without text here (images, RTF and the
Office formats other than DOCX), or to failed with the error (a damaged or
password-protected file, for instance).

Whoever needs to know when a file's text is ready (the search index) appends a function
to `on_text_extracted`: after each successful extraction the task calls every function
in it with the StoredFile, in order, outside any transaction; again when the task runs
again (after a lost worker), so each must do no more the second time. A function that
raises stops the ones after it and marks the task failed in the task results; the text
is saved all the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import docx
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from docx.table import Table
from odf import opendocument, teletype
from odf.namespaces import TEXTNS
from pypdf import PdfReader

from kansli.files.detect import DOCX, EML, MSG, ODP, ODS, ODT, PDF, TEXT, text_encoding
from kansli.files.mail import parse_mail
from kansli.files.models import StoredFile
from kansli.files.sandbox import OverLimit, describe, text_within_limits

on_text_extracted: list[Callable[[StoredFile], None]] = []

OVER_LIMIT = "Texten kunde inte tas fram inom gränserna för minne och tid"


class Unsupported(Exception):
    """No text is extracted from this type of file."""


def extract_text(stored: StoredFile) -> str:
    """The text of the stored file. Raises Unsupported for a type without text here,
    ReadFailed for a file its reader cannot read and OverLimit for one that needs more
    memory or time than kansli.files.sandbox gives it."""
    with stored.open() as file:
        return text_of(file, stored.content_type)


def text_of(file: IO[bytes], content_type: str) -> str:
    """The text of a file of the given (detected) type, e.g. an upload not yet stored,
    read in a child process within the limits (NUL removed, at most MAX_TEXT_CHARS).
    Raises like extract_text."""
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


@task()
def extract_file_text(stored_file_id: int) -> str:
    """Extract a stored file's text and record the outcome; returns the status. A file
    whose text is already there (extracted at once, e.g. by the demo, or by this task
    run before by a worker killed before it finished) keeps it: the bytes never change,
    so neither would the text. Whoever waits for the text is told again all the same,
    since the killed run may not have told them (the callbacks may be called twice)."""
    stored = StoredFile.objects.get(pk=stored_file_id)
    if stored.extraction == StoredFile.Extraction.DONE:
        for callback in on_text_extracted:
            callback(stored)
        return str(stored.extraction)
    try:
        # PostgreSQL's text cannot hold NUL, which some PDFs put in their text. More than
        # MAX_TEXT_CHARS is cut: pages and the index need no more, the file is all there.
        text = extract_text(stored)
    except Unsupported:
        _record(stored, StoredFile.Extraction.UNSUPPORTED)
    except OverLimit as error:
        _record(stored, StoredFile.Extraction.FAILED, error=f"{OVER_LIMIT} ({error})")
    except Exception as error:  # an unreadable file is the file's failure, not the worker's
        _record(stored, StoredFile.Extraction.FAILED, error=describe(error))
    else:
        _record(stored, StoredFile.Extraction.DONE, text=text)
        for callback in on_text_extracted:
            callback(stored)
    return str(stored.extraction)


def _record(stored: StoredFile, status: str, *, text: str = "", error: str = "") -> None:
    stored.extraction = status
    stored.text = text
    stored.extraction_error = error
    stored.save(update_fields=["extraction", "text", "extraction_error"])


def queue_extraction(stored: StoredFile) -> None:
    """Extract the file's text in the background once the current transaction commits."""
    stored_file_id = stored.pk
    transaction.on_commit(lambda: extract_file_text.enqueue(stored_file_id))
