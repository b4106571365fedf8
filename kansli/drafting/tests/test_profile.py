"""The issue's first done-when test: an administrator changes the logo and colour once,
and every kind (DOCX and PDF), and the PDFs made elsewhere in Kansli, show them: each
output is opened and its embedded picture and colours read back."""

from __future__ import annotations

import datetime
import io
import zipfile

import pymupdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as WordDocument

from kansli.audit.models import AuditEvent
from kansli.drafting.actions import do_set_authority_profile
from kansli.drafting.kinds import KINDS
from kansli.drafting.render import case_context, render_docx, render_pdf
from kansli.drafting.testing import make_case_with_protected_party, png
from kansli.files.store import store_bytes
from kansli.meetings import pdf as meetings_pdf
from kansli.meetings.actions import do_open_minutes, do_set_graphic_profile
from kansli.meetings.actions.delegation import do_add_delegation_point
from kansli.meetings.models import GraphicProfile
from kansli.meetings.testing import make_body, make_meeting, make_secretary
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry.pdf import acknowledgement_pdf
from kansli.requests.pdf import refusal_pdf
from kansli.requests.testing import make_request
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

OLD_RGB, NEW_RGB = (200, 30, 30), (20, 90, 160)
OLD_COLOUR, NEW_COLOUR = "#c81e1e", "#145aa0"


def _set_profile(municipality, admin, rgb, colour):
    logo = store_bytes(png(rgb), "logotyp.png")
    do_set_graphic_profile(municipality, colour=colour, font_family="DejaVu Serif", logo=logo,
                           actor=admin)  # fmt: skip


def _docx_shows(data: bytes, rgb, colour) -> bool:
    """The logo's bytes are a picture in the package, and a heading run has the colour."""
    package = zipfile.ZipFile(io.BytesIO(data))
    media = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    document = WordDocument(io.BytesIO(data))
    coloured = [
        run
        for p in document.paragraphs
        for run in p.runs
        if run.font.color.rgb is not None and str(run.font.color.rgb) == colour[1:].upper()
    ]
    return (
        png(rgb) in media
        and bool(coloured)
        and f'w:val="{colour[1:].upper()}"'.encode() in (package.read("word/document.xml"))
    )


def _pdf_shows(data: bytes, rgb, colour) -> bool:
    """An embedded picture of the logo's colour, and text and a drawn line in the
    profile's colour."""
    document = pymupdf.open(stream=data, filetype="pdf")
    wanted = int(colour[1:], 16)
    page = document[0]
    pictures = [pymupdf.Pixmap(document, xref) for xref, *_rest in page.get_images(full=True)]
    logo = any(p.n >= 3 and p.pixel(0, 0)[:3] == rgb for p in pictures)
    text = any(
        span["color"] == wanted
        for block in page.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
    )
    drawn = any(
        tuple(round(c * 255) for c in (d.get("color") or d.get("fill") or ()))
        == tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        for d in page.get_drawings()
    )
    return logo and text and drawn


def test_an_administrator_changes_logo_and_colour_once_and_every_document_shows_them():
    case, officer = make_case_with_protected_party()
    municipality = case.authority.municipality
    admin = make_sysadmin()
    _set_profile(municipality, admin, OLD_RGB, OLD_COLOUR)
    context = case_context(case, viewer=officer) | {"summary": "Kort.", "proposal": "Bifall."}
    before = render_docx("report", context, authority=case.authority)
    assert _docx_shows(before, OLD_RGB, OLD_COLOUR)

    # Once, in the admin's page (no code): logo and colour.
    profile = GraphicProfile.objects.get(municipality=municipality)
    changed = signed_in(admin).post(
        f"/admin/meetings/graphicprofile/{profile.pk}/change/",
        {"colour": NEW_COLOUR, "accent_colour": "", "font_family": "DejaVu Serif",
         "logo_upload": SimpleUploadedFile("ny-logotyp.png", png(NEW_RGB))},
    )  # fmt: skip
    assert changed.status_code == 302, changed.content.decode()[:1000]

    for kind in KINDS:
        word = render_docx(kind, context, authority=case.authority)
        assert _docx_shows(word, NEW_RGB, NEW_COLOUR), kind
        assert not _docx_shows(word, OLD_RGB, OLD_COLOUR), kind
        printed = render_pdf(kind, context, authority=case.authority)
        assert _pdf_shows(printed, NEW_RGB, NEW_COLOUR), kind
        assert not _pdf_shows(printed, OLD_RGB, OLD_COLOUR), kind
    # The PDFs Kansli made before the templates read the same profile (profile_for).
    for printed in (
        acknowledgement_pdf(case, None),
        meetings_pdf.report_pdf(
            case, title="Parkbänkar", background="B", assessment="A", proposal="P", officer=officer
        ),
    ):
        assert _pdf_shows(printed, NEW_RGB, NEW_COLOUR)
        assert not _pdf_shows(printed, OLD_RGB, OLD_COLOUR)


def test_the_accent_colour_footer_and_address_block_are_in_every_kind():
    case, officer = make_case_with_protected_party()
    do_set_graphic_profile(
        case.authority.municipality, colour=OLD_COLOUR, font_family="DejaVu Sans",
        accent_colour="#2e7d32", footer="Växel 0247-800 00 · www.provkommun.se",
        address="Provkommun\nBox 1\n793 80 Provstad", actor=make_sysadmin(),
    )  # fmt: skip
    context = case_context(case, viewer=officer)
    for kind in KINDS:
        word = zipfile.ZipFile(io.BytesIO(render_docx(kind, context, authority=case.authority)))
        xml = " ".join(word.read(n).decode() for n in word.namelist() if n.endswith(".xml"))
        assert "Växel 0247-800 00" in xml and "Box 1" in xml and "793 80 Provstad" in xml
        assert 'w:val="2E7D32"' in xml, kind
        printed = pymupdf.open(stream=render_pdf(kind, context, authority=case.authority))
        page = printed[0]
        text = " ".join(page.get_text().split())
        assert "Växel 0247-800 00" in text and "Box 1" in text, kind
        colours = {
            span["color"]
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
        }
        assert 0x2E7D32 in colours, kind


def test_an_authority_with_its_own_profile_prints_in_it_and_the_others_in_the_municipalitys():
    case, officer = make_case_with_protected_party()
    admin = make_sysadmin()
    _set_profile(case.authority.municipality, admin, OLD_RGB, OLD_COLOUR)
    board = make_authority("BUN", "Barn- och utbildningsnämnden")
    added = signed_in(admin).post(
        "/admin/drafting/authorityprofile/add/",
        {"authority": board.pk, "colour": NEW_COLOUR, "footer": "BUN, Skolgatan 2",
         "logo_upload": SimpleUploadedFile("bun.png", png(NEW_RGB))},
    )  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:1000]
    assert AuditEvent.objects.filter(action="drafting.set_authority_profile").exists()
    context = case_context(case, viewer=officer)
    for kind in ("letter", "delegated_decision"):
        own = render_pdf(kind, context, authority=board)
        assert _pdf_shows(own, NEW_RGB, NEW_COLOUR) and not _pdf_shows(own, OLD_RGB, OLD_COLOUR)
        assert "BUN, Skolgatan 2" in pymupdf.open(stream=own)[0].get_text()
        assert _docx_shows(render_docx(kind, context, authority=board), NEW_RGB, NEW_COLOUR)
        municipality = render_pdf(kind, context, authority=case.authority)
        assert _pdf_shows(municipality, OLD_RGB, OLD_COLOUR)
        assert not _pdf_shows(municipality, NEW_RGB, NEW_COLOUR)


def test_a_footer_with_quotes_ampersand_and_markup_prints_as_written():
    """The footer is printed by the page's style sheet (a CSS string in <style>, where
    HTML entities are not decoded): it shows as typed and cannot end the string."""
    case, officer = make_case_with_protected_party()
    do_set_graphic_profile(
        case.authority.municipality, colour=OLD_COLOUR, font_family="DejaVu Sans",
        footer='Bygg & Miljö "Nämnden" </style><b>x', actor=make_sysadmin(),
    )  # fmt: skip
    data = render_pdf("letter", case_context(case, viewer=officer), authority=case.authority)
    text = " ".join(pymupdf.open(stream=data)[0].get_text().split())
    assert 'Bygg & Miljö "Nämnden" </style><b>x' in text
    assert "&amp;" not in text and "&quot;" not in text


def test_the_meetings_and_requests_pdfs_print_in_the_authoritys_own_profile():
    """The notice, the minutes and a request's refusal of an authority with its own
    profile carry its logo and colour; another authority's notice carries the
    municipality's."""
    case, _officer = make_case_with_protected_party()
    admin = make_sysadmin()
    _set_profile(case.authority.municipality, admin, OLD_RGB, OLD_COLOUR)
    board = make_authority("BUN", "Barn- och utbildningsnämnden")
    logo = store_bytes(png(NEW_RGB), "bun.png")
    do_set_authority_profile(board, colour=NEW_COLOUR, logo=logo, actor=admin)

    body = make_body(board)
    meeting, secretary = make_meeting(body), make_secretary(body)
    chief = make_user("chefen", first_name="Karin", last_name="Chef",
                      roles=[(Role.OFFICER, board)])  # fmt: skip
    point = do_add_delegation_point(
        board, "2.1", "Beslut om att inte lämna ut allmän handling", "Förvaltningschef",
        delegates=[chief], actor=None,
    )  # fmt: skip
    request = make_request(board)
    own = [
        meetings_pdf.notice_pdf(meeting, []),
        meetings_pdf.minutes_pdf(do_open_minutes(meeting, approvers=[], actor=secretary)),
        refusal_pdf(
            request,
            [],
            "Skäl.",
            point=point,
            decided_by=chief,
            decided_on=datetime.date(2026, 12, 4),
        ),
    ]
    for printed in own:
        assert _pdf_shows(printed, NEW_RGB, NEW_COLOUR)
        assert not _pdf_shows(printed, OLD_RGB, OLD_COLOUR)
    other = meetings_pdf.notice_pdf(make_meeting(make_body(case.authority)), [])
    assert _pdf_shows(other, OLD_RGB, OLD_COLOUR)
    assert not _pdf_shows(other, NEW_RGB, NEW_COLOUR)
