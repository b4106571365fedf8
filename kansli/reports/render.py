"""The report's files: the DOCX to edit in Word and the PDF that is registered, made
from the draft as a given reader may see it. A party with protected identity (OSL 21
kap. 3 §) is shown by name only to those who may see it (kansli.access.protected);
the files registered at hand-in are made for nobody in particular, so the name is
never in them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kansli.access.protected import NOTHING, Hide, hide_for
from kansli.access.rules import may_see_protected_identities
from kansli.meetings import pdf
from kansli.reports import docx
from kansli.reports.models import SECTIONS, Report


def hider(viewer: Any, case: Any) -> Any:
    """What hides a protected party (OSL 21 kap. 3 §) from the viewer in the report's
    free text: the name and identity number as everywhere (kansli.access.protected) and
    the address too, which an officer may write in a report's background."""
    if may_see_protected_identities(viewer, case):
        return NOTHING
    named = hide_for(viewer, case)
    lines = case.parties.filter(protected_identity=True).values_list("address", flat=True)
    addresses = Hide(line.strip() for text in lines for line in text.splitlines() if line.strip())
    return lambda text: addresses(named(text))


def report_context(report: Report, viewer: Any) -> dict[str, Any]:
    case = report.case
    hide = hider(viewer, case)
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
