"""The disposal report (gallringsprotokoll) and the e-mails of a disposal run.

The report says what was disposed of, under which rule of which plan, who reviewed and
approved it and when, with counts and the files' SHA-256 checksums, and never what the
documents said (RA-FS 1991:1: the authority documents its disposal). It is registered
as a document of its own case, so that the registry keeps it."""

from __future__ import annotations

import logging
from collections import Counter

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.csvcells import csv_bytes
from kansli.files.store import store_bytes
from kansli.org.models import Role, RoleAssignment
from kansli.registry.actions import do_attach_file, do_register_case, do_register_document
from kansli.registry.models import Direction, Document
from kansli.retention.models import DisposalRun

log = logging.getLogger(__name__)

REPORT_TYPE = "Gallringsprotokoll"
SHOWN = 200  # rows of documents not disposed of in the PDF; all are in the appendix


def report_files(run: DisposalRun) -> tuple[bytes, bytes]:
    """The report of a finished disposal as PDF (the decision, the reviewers, the counts
    per rule, what was not disposed of and why), and its appendix as CSV: every item
    with its rule, due day, time of disposal and the files' SHA-256 checksums."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made

    from kansli.drafting.profile import profile_for

    items = run.items.select_related("rule__plan").order_by("document_number")
    disposed = items.filter(disposed_at__isnull=False)
    by_rule = Counter(str(item.rule) for item in disposed.only("rule"))
    held_back = list(items.exclude(refused="", excluded_reason="")[:SHOWN])
    with translation.override("sv"):
        html = render_to_string(
            "retention/pdf/disposal_report.html",
            {
                "profile": profile_for(run.authority),
                "run": run,
                "disposed": disposed.count(),
                "by_rule": sorted(by_rule.items()),
                "refused": items.exclude(refused="").count(),
                "excluded": items.exclude(excluded_reason="").count(),
                "held_back": held_back,
                "more": items.exclude(refused="", excluded_reason="").count() > SHOWN,
                "files": sum(disposed.values_list("files", flat=True)),
                "appendix": appendix_name(run),
                "today": timezone.localdate(),
            },
        )
    pdf = bytes(HTML(string=html).write_pdf())
    rows = [
        [item.document_number, str(item.rule), item.due.isoformat(),
         timezone.localtime(item.disposed_at).isoformat(timespec="seconds")
         if item.disposed_at else "", item.refused or item.excluded_reason,
         " ".join(item.checksums)]
        for item in items
    ]  # fmt: skip
    header = ["Handling", "Regel", "Förföll", "Gallrad", "Ej gallrad därför att", "SHA-256"]
    return pdf, csv_bytes(header, rows)


def register_report(run: DisposalRun, pdf: bytes, listing: bytes) -> Document:
    """Register the report with its appendix in a case of its own, by the system
    (inside the caller's transaction; the files were made before it)."""
    today = timezone.localdate()
    case = do_register_case(
        run.authority, f"Gallring enligt informationshanteringsplanen {run.due_on:%Y-%m-%d}",
        actor=None,
    )  # fmt: skip
    document = do_register_document(
        case, Direction.DRAWN_UP, today, f"Gallringsprotokoll {run.due_on:%Y-%m-%d}",
        document_type=REPORT_TYPE, actor=None,
    )  # fmt: skip
    do_attach_file(document, store_bytes(pdf, stored_name(run)), stored_name(run), actor=None)
    do_attach_file(document, store_bytes(listing, appendix_name(run)), appendix_name(run),
                   actor=None)  # fmt: skip
    return document


def appendix_name(run: DisposalRun) -> str:
    return f"Gallringsprotokoll {run.authority.code} {run.due_on:%Y-%m-%d} bilaga.csv"


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
