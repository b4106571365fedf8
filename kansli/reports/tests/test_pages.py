"""The report's pages: the editor saves and refuses in Swedish, a refused hand-in keeps
the draft and registers nothing, and another authority's officer finds neither the
editor nor its Word file (404, as for a missing report)."""

from __future__ import annotations

import pytest

from kansli.meetings.models import AgendaItem
from kansli.org.testing import make_sysadmin
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.reports import actions, render
from kansli.reports.actions import requires_approval
from kansli.reports.docx import read_sections
from kansli.reports.models import Report, Status
from kansli.reports.testing import edited_in_word, make_desk, upload_of, write_report
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def _form(desk, **changes):
    return {
        "heading": "Parkbänkar",
        "summary": "Kort.",
        "background": "Bakgrund.",
        "assessment": "Bedömning.",
        "consequences": "Inga.",
        "proposal": "Bifall.",
        "meeting": str(desk.meeting.pk),
    } | changes


def test_the_officer_starts_a_report_from_the_case_and_saves_it():
    desk = make_desk()
    client = signed_in(desk.officer)
    case_page = client.get(f"/arenden/{desk.case.pk}/").content.decode()
    assert f'href="/arenden/{desk.case.pk}/tjansteskrivelser/"' in case_page
    started = client.post(f"/arenden/{desk.case.pk}/tjansteskrivelser/")
    report = Report.objects.get(case=desk.case)
    assert started["Location"] == f"/tjansteskrivelser/{report.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert f'id="item-deadline">{desk.meeting.item_deadline.isoformat()}' not in page  # none yet
    saved = client.post(started["Location"], _form(desk, save="1"))
    assert saved.status_code == 302
    report.refresh_from_db()
    assert report.proposal == "Bifall." and report.meeting == desk.meeting
    page = client.get(started["Location"]).content.decode()
    assert f'id="item-deadline">{desk.meeting.item_deadline.isoformat()}' in page


def test_a_refused_hand_in_keeps_the_draft_and_registers_nothing():
    desk = make_desk()
    report = write_report(desk)
    client = signed_in(desk.officer)
    answer = client.post(f"/tjansteskrivelser/{report.pk}/", _form(desk, proposal="", hand_in="1"))
    assert answer.status_code == 200
    assert "Skriv ett förslag till beslut." in answer.content.decode()
    report.refresh_from_db()
    assert report.proposal == "" and report.status == Status.DRAFT
    assert not Document.objects.filter(case=desk.case).exists()
    answer = client.post(f"/tjansteskrivelser/{report.pk}/", _form(desk, hand_in="1"))
    assert answer.status_code == 302
    assert AgendaItem.objects.get(meeting=desk.meeting).report.case == desk.case


def test_the_manager_approves_from_the_page_and_the_officer_cannot():
    desk = make_desk(approval=True)
    report = write_report(desk)
    signed_in(desk.officer).post(f"/tjansteskrivelser/{report.pk}/", _form(desk, ask="1"))
    assert Report.objects.get(pk=report.pk).status == Status.ASKED
    refused = signed_in(desk.officer).post(f"/tjansteskrivelser/{report.pk}/godkann/")
    assert refused.status_code == 400 and Report.objects.get(pk=report.pk).status == Status.ASKED
    page = signed_in(desk.manager).get(f"/tjansteskrivelser/{report.pk}/").content.decode()
    assert f'action="/tjansteskrivelser/{report.pk}/godkann/"' in page
    assert 'name="background"' in page  # no protected party: the manager may edit too
    signed_in(desk.manager).post(f"/tjansteskrivelser/{report.pk}/godkann/")
    assert Report.objects.get(pk=report.pk).status == Status.APPROVED


def test_an_upload_from_word_becomes_the_next_version():
    desk = make_desk()
    report = write_report(desk)
    client = signed_in(desk.officer)
    downloaded = client.get(f"/tjansteskrivelser/{report.pk}/word/")
    assert downloaded["Content-Disposition"].startswith("attachment")
    edited = edited_in_word(downloaded.content, {"background": "Från Word."})
    answer = client.post(
        f"/tjansteskrivelser/{report.pk}/ladda-upp/", {"upload": upload_of(edited)}
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.background == "Från Word." and report.versions.count() == 2


def test_another_authoritys_officer_gets_404_on_the_editor_the_word_file_and_the_actions():
    desk, other = make_desk(), make_desk("BUN")
    report = write_report(desk, background="Hemligt nog.")
    client = signed_in(other.officer)
    for url in ["", "word/"]:
        assert client.get(f"/tjansteskrivelser/{report.pk}/{url}").status_code == 404
    for url in ["", "ladda-upp/", "godkann/", "atervisa/"]:
        assert client.post(f"/tjansteskrivelser/{report.pk}/{url}", {}).status_code == 404
    listing = client.get(f"/arenden/{desk.case.pk}/tjansteskrivelser/").content.decode()
    assert "<table" not in listing and f"/tjansteskrivelser/{report.pk}/" not in listing


def test_the_word_file_hides_a_protected_party_from_a_manager():
    desk = make_desk()
    registry.do_add_party(desk.case, "Hemlig Person", protected_identity=True, actor=None)
    report = write_report(desk, background="Hemlig Person har ansökt.")
    answer = signed_in(desk.manager).get(f"/tjansteskrivelser/{report.pk}/word/")
    assert b"Hemlig" not in answer.content  # the DOCX is a zip: checked by its text too
    assert read_sections(answer.content)["background"] == "Skyddad identitet har ansökt."
    page = signed_in(desk.manager).get(f"/tjansteskrivelser/{report.pk}/").content.decode()
    assert "Hemlig Person" not in page
    assert 'name="background"' not in page  # read only: a masked text is never saved
    assert "Hemlig Person" in str(read_sections(render.report_docx(report, desk.officer)))


def test_a_system_administrator_sets_the_authoritys_rule_and_others_may_not():
    desk = make_desk()
    assert signed_in(desk.manager).get("/tjansteskrivelser/regler/KS/").status_code == 403
    admin = signed_in(make_sysadmin())
    assert admin.get("/tjansteskrivelser/regler/KS/").status_code == 200
    saved = admin.post("/tjansteskrivelser/regler/KS/", {"requires_approval": "on"})
    assert saved.status_code == 302 and requires_approval(desk.authority)
    assert admin.get("/tjansteskrivelser/regler/NOPE/").status_code == 404


def test_the_manager_finds_what_waits_and_the_officer_their_drafts():
    desk = make_desk(approval=True)
    asked = actions.do_ask_approval(write_report(desk), actor=desk.officer)
    page = signed_in(desk.manager).get("/tjansteskrivelser/").content.decode()
    assert f'href="/tjansteskrivelser/{asked.pk}/"' in page
    assert 'href="/tjansteskrivelser/"' in page  # in the main menu
    mine = signed_in(desk.officer).get("/tjansteskrivelser/").content.decode()
    assert f'href="/tjansteskrivelser/{asked.pk}/"' in mine
    other = signed_in(make_desk("BUN").manager).get("/tjansteskrivelser/").content.decode()
    assert f"/tjansteskrivelser/{asked.pk}/" not in other
