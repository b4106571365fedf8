"""The personal data pages in a real browser: the data protection officer finds them in
the menu, searches for a person and opens the record of processing activities; both
pass axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from kansli.retention.testing import make_plan
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_officer_searches_a_person_and_reads_the_record(live_server: Any, page: Any) -> None:
    ks = make_authority()
    make_plan(ks)
    make_case("Ansökan om färdtjänst", authority=ks, parties=[{"name": "Åsa Öberg"}])
    make_user("dso", password="kansli-demo", roles=[(Role.DATA_PROTECTION_OFFICER, ks)])
    log_in(page, live_server.url, "dso")

    page.get_by_role("navigation").get_by_role("link", name=sv("Personal data")).click()
    page.get_by_label(sv("Name")).fill("åsa öberg")
    page.get_by_role("button", name=sv("Search"), exact=True).click()
    expect(page.locator("#hits-parties")).to_contain_text("(1)")
    assert axe_violations(page) == []

    page.get_by_role("link", name=sv("Record of processing activities")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        sv("Record of processing activities")
    )
    assert "Styra verksamheten" in page.locator("main").inner_text()
    assert axe_violations(page) == []
