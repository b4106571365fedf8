"""Issue 16 in a real browser: the archivist makes the month's disposal list from the
menu, the manager excludes a document with a reason and reviews the list, the archivist
approves it; the pages pass axe, and so does the legal holds page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kansli.retention.models import DisposalRun, RunState
from kansli.retention.tests.seed import TODAY, build
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-password-1"


@pytest.fixture
def seeded() -> dict[str, Any]:
    return build()


def test_the_archivist_lists_the_manager_excludes_and_reviews(
    live_server: Any,
    page: Any,
    browser: Any,
    seeded: dict[str, Any],
) -> None:
    log_in(page, live_server.url, "arkivarie", PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name=sv("Disposal")).click()
    page.get_by_label(sv("Due on")).fill(TODAY.isoformat())
    page.get_by_role("button", name=sv("Make the list")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(sv("Disposal list"))
    assert axe_violations(page) == []
    run = DisposalRun.objects.get()

    context = browser.new_context(locale="sv-SE")
    manager = context.new_page()
    log_in(manager, live_server.url, "chefen", PASSWORD)
    manager.goto(f"{live_server.url}/gallring/{run.pk}/")
    due = seeded["due"].document_number
    manager.get_by_label(f"{sv('Reason for excluding')} {due}").fill("Behövs i tvisten")
    manager.get_by_role("button", name=f"{sv('Exclude')} {due}").click()
    expect(manager.get_by_role("link", name=f"{sv('Excluded')} (1)")).to_be_visible()
    assert axe_violations(manager) == []
    manager.get_by_role("button", name=sv("The list is reviewed")).click()
    expect(
        manager.get_by_text(sv("The list was reviewed and sent to the archivist."))
    ).to_be_visible()
    context.close()

    page.reload()
    page.get_by_role("button", name=sv("Approve the list")).click()
    expect(page.get_by_role("button", name="Gallra 2 handlingar")).to_be_visible()
    run.refresh_from_db()
    assert run.state == RunState.APPROVED
    assert run.items.get(document=seeded["due"]).excluded_reason == "Behövs i tvisten"

    page.goto(f"{live_server.url}/bevarande/")
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Legal holds"))
    assert "Tvist i förvaltningsrätten" in page.locator("main").inner_text()
    assert axe_violations(page) == []
