"""The report's files: the DOCX to edit in Word and the PDF that is registered, made
from the draft as a given reader may see it. A party with protected identity (OSL 21
kap. 3 §) is shown by name only to those who may see it (kansli.access.protected);
the files registered at hand-in are made for nobody in particular, so the name is
never in them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kansli.access.protected import hide_for
from kansli.meetings import pdf
from kansli.reports import docx
from kansli.reports.models import SECTIONS, Report


def report_context(report: Report, viewer: Any) -> dict[str, Any]:
    case = report.case
    hide = hide_for(viewer, case)
    officer = case.officer or report.written_by
    context: dict[str, Any] = {
        "authority": case.authority.name,
        "case_number": case.case_number,
        "date": timezone.localdate().isoformat(),
        "officer": officer.get_full_name() or officer.username,
        "heading": hide(report.heading),
        "appendices": [
            f"{d.document_number} {hide(d.description)}"
            for d in report.appendices.select_related("case__authority").order_by("number")
        ],
    }
    return context | {key: hide(getattr(report, key)) for key in SECTIONS}


def report_docx(report: Report, viewer: Any) -> bytes:
    return docx.report_docx(report_context(report, viewer))


def report_pdf(report: Report, viewer: Any) -> bytes:
    context = report_context(report, viewer) | {"headings": docx.HEADINGS}
    return pdf._render("reports/pdf/report.html", report.case.authority.municipality, context)
