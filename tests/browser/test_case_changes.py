"""A registrar changes a case from its page with the keyboard: the title, the day to decide
by, a related case and the access group, each form checked with axe-core while open."""

from typing import Any

import pytest

from kansli.access.testing import make_access_group
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_unit, make_user
from kansli.registry.models import Case
from kansli.registry.testing import make_case
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_form(page: Any, summary: str) -> None:
    page.get_by_text(sv(summary), exact=True).click()
    assert axe_violations(page) == []


def test_a_registrar_changes_a_case_from_its_page(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    make_user("registrator", password="kansli-demo", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks)
    hr = make_access_group(ks, unit=make_unit("HR"))
    case = make_case("Bygglov för carport", authority=ks)
    other = make_case("Tidigare bygglov", authority=ks)
    log_in(page, live_server.url, "registrator")
    page.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert axe_violations(page) == []

    open_form(page, "Change the case")
    page.get_by_label(sv("Case title")).fill("Bygglov för garage")
    page.get_by_label(sv("Case title")).press("Enter")
    page.wait_for_url(f"{live_server.url}/arenden/{case.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bygglov för garage"

    page.get_by_label(sv("Decide by")).fill("2030-06-30")
    page.get_by_label(sv("Decide by")).press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("2030-06-30", exact=True).is_visible()

    open_form(page, "Relate to a case")
    page.get_by_label(sv("Case number")).fill(other.case_number)
    page.get_by_label(sv("Case number")).press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("link", name=other.case_number).is_visible()

    open_form(page, "Choose the access group")
    page.get_by_label(sv("Access group")).select_option(str(hr.pk))
    page.get_by_role("button", name=sv("Move the case")).click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    case.refresh_from_db()
    assert (case.title, str(case.due_date), case.access_group) == (
        "Bygglov för garage", "2030-06-30", hr,
    )  # fmt: skip
    assert list(Case.objects.filter(related=case)) == [other]
