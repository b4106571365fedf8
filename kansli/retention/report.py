"""The disposal report (gallringsprotokoll) and the e-mails of a disposal run.

The report says what was disposed of, under which rule of which plan, who reviewed and
approved it and when, with counts and the files' SHA-256 checksums, and never what the
documents said (RA-FS 1991:1: the authority documents its disposal). It is registered
as a document of its own case, so that the registry keeps it."""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.files.store import store_bytes
from kansli.org.models import Role, RoleAssignment
from kansli.registry.actions import do_attach_file, do_register_case, do_register_document
from kansli.registry.models import Direction, Document
from kansli.retention.models import DisposalRun

log = logging.getLogger(__name__)

REPORT_TYPE = "Gallringsprotokoll"


def report_pdf(run: DisposalRun, today: datetime.date) -> bytes:
    """The report of a finished disposal, as PDF."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made

    from kansli.drafting.profile import profile_for

    items = list(run.items.select_related("rule__plan").order_by("document_number"))
    disposed = [item for item in items if item.disposed_at is not None]
    by_rule = Counter(str(item.rule) for item in disposed)
    with translation.override("sv"):
        html = render_to_string(
            "retention/pdf/disposal_report.html",
            {
                "profile": profile_for(run.authority),
                "run": run,
                "disposed": disposed,
                "by_rule": sorted(by_rule.items()),
                "refused": [item for item in items if item.refused],
                "excluded": [item for item in items if item.excluded_reason],
                "files": sum(item.files for item in disposed),
                "today": today,
            },
        )
    return bytes(HTML(string=html).write_pdf())


def register_report(run: DisposalRun, pdf: bytes) -> Document:
    """Register the report in a case of its own, by the system (inside the caller's
    transaction; the PDF was made before it)."""
    today = timezone.localdate()
    case = do_register_case(
        run.authority, f"Gallring enligt informationshanteringsplanen {run.due_on:%Y-%m-%d}",
        actor=None,
    )  # fmt: skip
    document = do_register_document(
        case, Direction.DRAWN_UP, today, f"Gallringsprotokoll {run.due_on:%Y-%m-%d}",
        document_type=REPORT_TYPE, actor=None,
    )  # fmt: skip
    stored = store_bytes(pdf, f"gallringsprotokoll-{run.due_on:%Y-%m-%d}.pdf")
    do_attach_file(document, stored, stored_name(run), actor=None)
    return document


def stored_name(run: DisposalRun) -> str:
    return f"Gallringsprotokoll {run.authority.code} {run.due_on:%Y-%m-%d}.pdf"


def notify(run_id: int, role: Role) -> None:
    """Tell those with the role at the authority that a disposal list waits for them. A
    failure to send is logged and never undoes the step."""
    run = DisposalRun.objects.select_related("authority").get(pk=run_id)
    holders = RoleAssignment.objects.valid_on().filter(authority=run.authority, role=role)
    addresses = sorted({a.user.email for a in holders.select_related("user") if a.user.email})
    if not addresses:
        return
    body = render_to_string(
        "retention/mail/disposal_waiting.txt",
        {"run": run, "role": Role(role).label, "site": settings.SITE_URL},
    )
    try:
        send_mail(f"Gallringslista att granska: {run}", body, None, addresses)
    except OSError:
        log.exception("could not e-mail about disposal run %s", run_id)
