"""Issue 15's fourth "done when": a new user finds the routine for registering e-mail by
searching the handbook for "e-post", and reaches it from the registration page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kansli.handbook.testing import make_routine
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_user_finds_the_email_routine_by_search_and_from_registration(
    live_server: Any, page: Any
) -> None:
    ks = make_authority()
    routine = make_routine(
        body="Öppna Inkorg och registrera e-postmeddelanden från den funktionella brevlådan.",
        steps=["registration"],
        approving_body="kommundirektören",
    )
    make_routine("Justera protokollet", body="Ordföranden justerar.", steps=["approval"])
    make_user("ny.registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    log_in(page, live_server.url, "ny.registrator")

    page.get_by_role("navigation").get_by_role("link", name=sv("Handbook")).click()
    page.get_by_label(sv("Search the handbook")).fill("e-post")
    page.get_by_role("button", name=sv("Search")).click()
    hits = page.locator("ul.hits li")
    expect(hits).to_have_count(1)  # waits for the results page, not the form it left
    assert hits.locator("mark").first.inner_text() == "e-post"
    assert axe_violations(page) == []
    hits.get_by_role("link", name="Registrera e-post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera e-post")
    assert "kommundirektören" in page.locator("dl.facts").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("navigation").get_by_role("link", name=sv("Register"), exact=True).click()
    link = page.locator("p.routine-link")
    assert link.inner_text() == f"{sv('Routine:')} Registrera e-post"
    link.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/handbok/{routine.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera e-post")
