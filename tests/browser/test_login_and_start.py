import pytest

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_start_page_are_accessible(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    make_user(
        "registrator",
        password="kansli-demo",
        first_name="Eva",
        last_name="Lindqvist",
        roles=[(Role.REGISTRAR, ks)],
    )
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/login/?next=/")
    assert axe_violations(page) == []

    page.get_by_label("Användarnamn").fill("registrator")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Lösenord").fill("kansli-demo")
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Välkommen, Eva Lindqvist"
    assert page.get_by_role("cell", name="Registrator").is_visible()
    assert axe_violations(page) == []

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert skip.evaluate("el => el === document.activeElement")

    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Byt").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Eva Lindqvist"
    assert axe_violations(page) == []
