"""Issue 15 in a real browser: the officer's start page says what to do (an overdue
case, the reminder switch) and the staff search is narrowed by its filters; both pages
pass axe-core."""

import datetime

import pytest
from django.utils import timezone

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming
from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_is_told_what_to_do_and_filters_the_search(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks, bun = make_authority("KS", "Kommunstyrelsen"), make_authority("BUN", "Barnnämnden")
    officer = make_user("handlaggare", password="kansli-demo", first_name="Olle",
                        roles=[(Role.OFFICER, ks), (Role.OFFICER, bun)])  # fmt: skip
    case = make_case("Bygglov Storgatan 1", authority=ks,
                     opened_at=timezone.now() - datetime.timedelta(days=30))  # fmt: skip
    actions.do_assign_officer(case, officer, actor=None)
    actions.do_set_due_date(case, timezone.localdate() - datetime.timedelta(days=2), actor=None)
    make_incoming(case, description="Ansökan om bygglov")
    make_incoming(make_case("Bygglov för förskola", authority=bun),
                  description="Ansökan om bygglov för förskola")  # fmt: skip

    log_in(page, live_server.url, "handlaggare")
    to_do = page.locator("ul.to-do")
    assert "1 öppet ärende" in to_do.inner_text() and "1 försenat" in to_do.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Stäng av påminnelserna").click()
    page.get_by_role("button", name="Slå på påminnelserna").wait_for()
    officer.refresh_from_db()
    assert officer.case_reminders is False

    page.goto(f"{live_server.url}/sok/")
    page.get_by_label("Ord eller diarienummer").fill("bygglov")
    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Myndighet").select_option(label="BUN Barnnämnden")
    page.get_by_role("button", name="Sök").click()
    page.get_by_role("heading", name="Träffar").wait_for()
    results = page.locator("table").inner_text()
    assert "förskola" in results and "Storgatan" not in results
    assert axe_violations(page) == []
