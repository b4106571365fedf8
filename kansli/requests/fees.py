"""Fees for copies of public documents (avgiftsuttag, TF 2 kap. 16 §): the municipality's
schedule, or the state's model when it has set none (avgiftsförordningen 15–16 §§), and
the pages a delivery counts."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

from kansli.files.detect import PDF
from kansli.files.models import StoredFile
from kansli.org.models import Municipality
from kansli.requests.models import FeeSchedule


def schedule_for(municipality: Municipality) -> FeeSchedule:
    """The municipality's schedule; unsaved with the state's figures if it has none."""
    found = FeeSchedule.objects.filter(municipality=municipality).first()
    return found or FeeSchedule(municipality=municipality)


def count_pages(files: Iterable[StoredFile]) -> int:
    """The pages of the files to be delivered: a PDF's own pages (pypdf); any other file
    (a Word document, an image, an e-mail) counts as one page, as converting it only to
    count would cost more than the count is worth. A PDF pypdf cannot read counts one,
    and so does one whose check in the sandbox failed (kansli.files.pdfactive): pypdf
    does not read it here, outside the sandbox."""
    pages = 0
    for stored in files:
        pages += _pdf_pages(stored) if stored.content_type == PDF.mime else 1
    return pages


def _pdf_pages(stored: StoredFile) -> int:
    from pypdf import PdfReader  # loaded by the process that counts pages, not by every one
    from pypdf.errors import PyPdfError

    if stored.unreadable_pdf:
        return 1
    with stored.open() as handle:
        data = handle.read()
    try:
        return max(len(PdfReader(io.BytesIO(data)).pages), 1)
    except (PyPdfError, ValueError, OSError):
        return 1


def fee_for(municipality: Municipality, files: Iterable[StoredFile]) -> tuple[int, Decimal]:
    """The pages and the fee of delivering `files`."""
    pages = count_pages(files)
    return pages, schedule_for(municipality).fee(pages)
