"""The report's files, made by the drafting templates (kansli.drafting.render, kind
"report", in the graphic profile of the authority): the DOCX to edit in Word and the
PDF that is registered, from the draft as a given reader may see it. A party with
protected identity (OSL 21 kap. 3 §) is shown by name only to those who may see it
(kansli.access.protected); the files registered at hand-in are made for nobody in
particular, so the name is never in them."""

from __future__ import annotations

from typing import Any

from kansli.access.protected import NOTHING, Hide, hide_for
from kansli.access.rules import may_see_protected_identities
from kansli.drafting.render import case_context, render_docx, render_pdf
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
    """The case as drafting tells it to the viewer, and the report's own text."""
    case = report.case
    hide = hider(viewer, case)
    writer = report.written_by
    context = case_context(case, viewer=viewer)
    context["officer"] = context["officer"] or writer.get_full_name() or writer.username
    appendices = report.appendices.select_related("case__authority").order_by("number")
    return context | {
        "heading": hide(report.heading),
        "appendices": [f"{d.document_number} {hide(d.description)}" for d in appendices],
        **{key: hide(getattr(report, key)) for key in SECTIONS},
    }


def report_docx(report: Report, viewer: Any) -> bytes:
    return render_docx("report", report_context(report, viewer), authority=report.case.authority)


def report_pdf(report: Report, viewer: Any) -> bytes:
    return render_pdf("report", report_context(report, viewer), authority=report.case.authority)
