"""The registrar's e-service pages in a real browser: from the start page to the
e-förslag waiting for review, one declined (first without a reason, refused next to the
field), one published and then signable by the public; the diary texts still to be
written; each page passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kansli.eservices.models import Submission
from kansli.eservices.testing import make_council, make_petition
from kansli.org.models import Role
from kansli.org.testing import make_user
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_registrar_reviews_two_e_petitions_and_writes_the_diary_text(
    live_server: Any, page: Any
) -> None:
    make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, make_council())])
    bath = make_petition("Bevara Storåsens badplats", published=False)
    rant = make_petition("Grannen spelar hög musik", published=False)
    log_in(page, live_server.url, "registrator")

    page.get_by_role("link", name="2 e-förslag att granska innan de publiceras").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("E-petitions to review"))
    assert axe_violations(page) == []
    rant_section = page.locator("section", has_text=rant.title)
    rant_section.get_by_role("button", name=sv("Decline with this reason")).click()
    expect(page.get_by_role("alert")).to_contain_text("Ange varför")
    assert axe_violations(page) == []
    rant_section = page.locator("section", has_text=rant.title)
    rant_section.get_by_label(sv("Reason for not publishing")).fill(
        "Förslaget gäller en tvist mellan grannar, inte kommunen."
    )
    rant_section.get_by_role("button", name=sv("Decline with this reason")).click()
    expect(page.get_by_role("status")).to_contain_text(rant.receipt_number)
    page.locator("section", has_text=bath.title).get_by_role(
        "button", name=sv("Publish for signing")
    ).click()
    expect(page.get_by_role("heading", name=sv("Published e-petitions"))).to_be_visible()
    assert axe_violations(page) == []
    assert Submission.objects.get(pk=bath.pk).published_at is not None
    assert Submission.objects.get(pk=rant.pk).declined_at is not None

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="2 registreringar från e-tjänsterna utan egen diarietext").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Diary texts to write"))
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/e-tjanster/e-forslag/{bath.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(bath.title)
    assert axe_violations(page) == []
