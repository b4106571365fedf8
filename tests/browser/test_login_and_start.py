from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.web.testing import give_authenticator, totp_code
from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_setup_of_the_code_and_start_page_are_accessible(live_server, page, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code at once after a wrong one
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
    expect(page.get_by_role("alert")).to_be_visible()  # after the answer, not before
    assert axe_violations(page) == []

    # The password is right; a registrar sets up the authenticator app at once.
    page.get_by_label("Lösenord").fill("kansli-demo")
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_url(f"{live_server.url}/login/kod/ny/?next=%2F")
    assert page.get_by_role("img").first.is_visible()  # the QR code
    assert axe_violations(page) == []
    key = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    code = page.locator("#id_code")
    assert code.get_attribute("autocomplete") == "one-time-code"
    code.fill("000000" if totp_code(key) != "000000" else "111111")
    code.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(code).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    page.locator("#id_code").fill(totp_code(key))
    page.locator("#id_code").press("Enter")
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert axe_violations(page) == []
    page.locator("main a.button").click()

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


def test_the_code_page_is_accessible(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    give_authenticator(make_user("chef", password="kansli-demo", roles=[(Role.MANAGER, ks)]))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("chef")
    page.get_by_label("Lösenord").fill("kansli-demo")
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_url(f"{live_server.url}/login/kod/?next=%2F")
    assert axe_violations(page) == []
    device = TOTPDevice.objects.get(user__username="chef")
    page.locator("#id_code").fill(totp_code(device))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_an_archivist_logs_in_with_the_password_only(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    make_user("arkivarie", password="kansli-demo", roles=[(Role.ARCHIVIST, ks)])
    log_in(page, live_server.url, "arkivarie")
    assert not TOTPDevice.objects.exists()


def test_an_elected_member_sets_up_a_code_at_the_first_login(live_server, page) -> None:  # type: ignore[no-untyped-def]
    ks = make_authority("KS", "Kommunstyrelsen")
    make_user("ledamot", password="kansli-demo", roles=[(Role.ELECTED, ks)])
    log_in(page, live_server.url, "ledamot")  # through the setup page, as a person would
    assert TOTPDevice.objects.filter(user__username="ledamot", confirmed=True).exists()


def test_the_api_documentation_works_under_the_content_security_policy(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Kansli" in page.locator(".swagger-ui .info .title").inner_text()
