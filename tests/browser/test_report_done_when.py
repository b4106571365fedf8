"""Issue 15's second "Done when", in a browser: an officer writes a report, is refused
hand-in while the proposed decision is missing, takes it to Word and back (the file,
edited by python-docx here, becomes version 2), gets the manager's approval, hands
in, and the report is on the agenda of the next meeting."""

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document as WordDocument

from kansli.meetings.models import AgendaItem
from kansli.meetings.testing import make_body, make_meeting
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case
from kansli.reports import actions
from kansli.reports.models import Report, Status
from tests.browser.conftest import as_user, axe_violations, log_in, status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROPOSAL = "Kommunstyrelsen beslutar att bifalla medborgarförslaget."


def refusal(page: Any) -> str:
    return str(page.get_by_role("alert").inner_text())


def with_proposal_from_word(path: Path) -> bytes:
    """What the officer does in Word: writes the proposed decision under its heading."""
    word = WordDocument(str(path))
    paragraphs = word.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name == "Heading 2" and paragraph.text == "Förslag till beslut":
            paragraphs[index + 1].text = PROPOSAL
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_an_officers_report_from_draft_to_the_agenda(live_server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    actions.do_set_report_rules(ks, requires_approval=True, actor=None)
    body = make_body(ks)
    make_meeting(body, days_ahead=80)  # a later meeting: not the one chosen
    meeting = make_meeting(body, days_ahead=40)
    officer = make_user("handlaggare", password="kansli-demo", first_name="Olle",
                        last_name="Handläggare", roles=[(Role.OFFICER, ks)])  # fmt: skip
    make_user("chef", password="kansli-demo", first_name="Maja", last_name="Chef",
              roles=[(Role.MANAGER, ks)])  # fmt: skip
    case = make_case("Medborgarförslag om fler parkbänkar", authority=ks)
    registry.do_assign_officer(case, officer, actor=None)

    log_in(page, live_server.url, "handlaggare")
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    page.locator("main").get_by_role("link", name="Tjänsteskrivelser").click()
    page.get_by_role("button", name="Skriv en ny tjänsteskrivelse").click()
    page.get_by_label("Sammanfattning").fill("Förslagsställaren vill ha fler bänkar i parken.")
    page.get_by_label("Bakgrund").fill("Förslaget kom in i maj.\nDet har 40 underskrifter.")
    page.get_by_label("Bedömning").fill("Förvaltningen tillstyrker.")
    page.get_by_label("Konsekvenser").fill("Kostnaden ryms i budgeten.")
    page.get_by_label("Sammanträde").select_option(str(meeting.pk))
    assert axe_violations(page) == []

    page.get_by_role("button", name="Spara och lämna in").click()
    assert "Skriv ett förslag till beslut." in refusal(page)
    assert not Document.objects.filter(case=case).exists()
    report = Report.objects.get(case=case)
    assert report.background == "Förslaget kom in i maj.\nDet har 40 underskrifter."
    assert meeting.item_deadline.isoformat() in page.locator("#item-deadline").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som Word (DOCX)").click()
    saved = tmp_path / "tjansteskrivelse.docx"
    download.value.save_as(saved)
    edited = tmp_path / "tjansteskrivelse-redigerad.docx"
    edited.write_bytes(with_proposal_from_word(saved))
    page.get_by_label("Word-fil (DOCX)").set_input_files(str(edited))
    page.get_by_role("button", name="Ladda upp som ny version").click()
    assert "Version 2" in status(page)
    assert page.get_by_label("Förslag till beslut").input_value() == PROPOSAL
    assert [v.version for v in Report.objects.get(pk=report.pk).versions.all()] == [1, 2]

    page.get_by_role("button", name="Spara och be om godkännande").click()
    assert "chef ombeds godkänna" in status(page)
    manager, manager_page = as_user(browser_of(page), live_server.url, "chef")
    manager_page.goto(f"{live_server.url}/tjansteskrivelser/")  # "Tjänsteskrivelser" in the menu
    manager_page.get_by_role("link", name="Medborgarförslag om fler parkbänkar").click()
    manager_page.wait_for_url(f"{live_server.url}/tjansteskrivelser/{report.pk}/")
    assert axe_violations(manager_page) == []
    manager_page.get_by_role("button", name="Godkänn").click()
    assert "godkänd" in status(manager_page)
    manager.close()
    assert Report.objects.get(pk=report.pk).status == Status.APPROVED

    page.reload()
    page.get_by_role("button", name="Spara och lämna in").click()
    assert "står på föredragningslistan" in status(page)
    item = AgendaItem.objects.get(case=case)
    assert item.meeting == meeting and item.proposal == PROPOSAL
    assert item.report.files.count() == 2  # the PDF and the DOCX kept as editable version

    page.goto(f"{live_server.url}/moten/{meeting.pk}/")
    assert "Medborgarförslag om fler parkbänkar" in page.locator("main").inner_text()


def browser_of(page: Any) -> Any:
    return page.context.browser
