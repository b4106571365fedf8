"""The officer's report (tjänsteskrivelse) that prepares an item (beredning): written in
the browser or uploaded, and registered as a document drawn up in the case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kansli.files.detect import DOCX, PDF
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes, store_upload
from kansli.meetings import pdf
from kansli.meetings.actions.agenda import do_preregister_item
from kansli.meetings.models import AgendaItem, Meeting
from kansli.registry import actions as registry
from kansli.registry.models import Case, Direction, Document
from kansli.registry.permissions import require_registering
from kansli.registry.secrecy import case_markings


def do_write_report(
    case: Case, *, title: str, background: str, assessment: str, proposal: str, actor: Any
) -> Document:
    """Tjänsteskrivelse written in the browser: rendered as PDF before the transaction
    and registered as a document drawn up (upprättad) in the case inside it."""
    data = _render_report(case, title, background, assessment, proposal, actor)
    with transaction.atomic():
        return _register_written(case, title, data, actor)


def _render_report(
    case: Case, title: str, background: str, assessment: str, proposal: str, actor: Any
) -> bytes:
    """Check who writes and what is written, then render; writes nothing."""
    require_registering(actor, case.authority)  # before the PDF is made
    errors = {
        k: "Fyll i."
        for k, v in [("background", background), ("proposal", proposal)]
        if not v.strip()
    }
    if errors:
        raise ValidationError(errors)
    return pdf.report_pdf(
        case,
        title=title,
        background=background,
        assessment=assessment,
        proposal=proposal,
        officer=actor,
    )


def _register_written(case: Case, title: str, data: bytes, actor: Any) -> Document:
    name = "tjansteskrivelse.pdf"
    return _register_report(case, title, store_bytes(data, name), name, actor)


def do_preregister_with_report(
    meeting: Meeting,
    case: Case,
    *,
    title: str,
    proposal: str,
    section: str,
    attachments: Sequence[Document] = (),
    report: Document | None = None,
    upload: UploadedFile | None = None,
    background: str = "",
    assessment: str = "",
    rapporteur: str = "",
    personal_numbers_confirmed: bool = False,
    actor: Any,
) -> AgendaItem:
    """Föranmälan with its tjänsteskrivelse in one step: a report already registered
    (`report`), uploaded (`upload`) or written in the browser (`background` and
    `assessment`, rendered before the transaction). The report and the item are
    registered in one transaction: a refused item leaves no report behind.
    `personal_numbers_confirmed`: as for do_upload_report."""
    written = None
    if report is None and upload is None and background.strip():
        written = _render_report(case, title, background, assessment, proposal, actor)
    with transaction.atomic():
        if upload is not None:
            report = do_upload_report(
                case,
                title=title,
                upload=upload,
                personal_numbers_confirmed=personal_numbers_confirmed,
                actor=actor,
            )
        elif written is not None:
            report = _register_written(case, title, written, actor)
        return do_preregister_item(
            meeting,
            case,
            title=title,
            proposal=proposal,
            report=report,
            attachments=attachments,
            section=section,
            rapporteur=rapporteur,
            actor=actor,
        )


@transaction.atomic
def do_upload_report(
    case: Case,
    *,
    title: str,
    upload: UploadedFile,
    personal_numbers_confirmed: bool = False,
    actor: Any,
) -> Document:
    """Tjänsteskrivelse written elsewhere and uploaded as PDF or Word (DOCX): registered
    as a document drawn up in the case with the file (the meeting pack converts a Word
    file). `personal_numbers_confirmed`: the officer was warned of personal identity
    numbers in it and registered it all the same (registry.do_register_document keeps
    that in its audit event when it goes unmarked, OSL 21 kap. 7 §)."""
    require_registering(actor, case.authority)  # before the file is stored
    stored = store_upload(upload)
    if stored.content_type not in (PDF.mime, DOCX.mime):
        raise ValidationError({"report_file": "Tjänsteskrivelsen ska vara en PDF- eller Word-fil."})
    name = upload.name or "tjansteskrivelse"
    return _register_report(case, title, stored, name, actor, personal_numbers_confirmed)


def _register_report(
    case: Case, title: str, stored: StoredFile, name: str, actor: Any, confirmed: bool = False
) -> Document:
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        timezone.localdate(),
        f"Tjänsteskrivelse: {title}",
        document_type="Tjänsteskrivelse",
        inherited=case_markings(case),  # secrecy follows the case's content
        personal_numbers_confirmed=confirmed,
        actor=actor,
    )
    registry.do_attach_file(document, stored, name, actor=actor)
    return document
