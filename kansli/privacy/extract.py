"""The register extract (registerutdrag, GDPR art. 15.3: a copy of the personal data
processed) as PDF, in the graphic profile of the authority (kansli.drafting.profile),
and as CSV for the one who prepares the answer. Always in Swedish. Rendered after the
search's action, never while it holds the audit chain."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kansli.drafting.profile import profile_for
from kansli.privacy.finder import SOURCES, Found
from kansli.web.csvfile import csv_download


def file_name(found: Found) -> str:
    """No name or number of the person: a file name ends up in download folders and
    logs. The authority's code and the time instead."""
    return f"registerutdrag-{found.authority.code}-{timezone.localtime(found.made_at):%Y%m%d-%H%M}"


def extract_html(found: Found, *, made_by: str) -> str:
    with translation.override("sv"):
        return render_to_string(
            "privacy/pdf/extract.html",
            {
                "found": found,
                "authority": found.authority,
                "municipality": found.authority.municipality,
                "profile": profile_for(found.authority),
                "made_at": timezone.localtime(found.made_at),
                "made_by": made_by,
            },
        )


def extract_pdf(found: Found, *, made_by: str) -> bytes:
    """The extract as PDF. The HTML may load only what it holds itself (data: URIs)."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made
    from weasyprint.urls import URLFetcher

    html = extract_html(found, made_by=made_by)
    return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf())


def pdf_response(found: Found, *, made_by: str) -> HttpResponse:
    response = HttpResponse(extract_pdf(found, made_by=made_by), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(found)}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(found: Found) -> HttpResponse:
    """One row a hit; a text a spreadsheet would take for a formula is written as text
    (kansli.web.csvfile)."""
    with translation.override("sv"):
        header = [
            _("Source"), _("Reference"), _("What"), _("Found in"), _("Date"),
            _("Secrecy review"),
        ]  # fmt: skip
        review = _("secrecy review required")
        rows = [
            [
                str(SOURCES[hit.source]),
                hit.reference,
                hit.what,
                hit.found_in,
                hit.day.isoformat() if hit.day else "",
                f"{review}: {hit.review}" if hit.review else "",
            ]
            for hit in found.hits()
        ]
    response = csv_download(file_name(found), header, rows)
    response["Cache-Control"] = "no-store"
    return response
