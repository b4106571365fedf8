"""Playwright driving Debian's Chromium (/usr/bin/chromium); never a downloaded browser."""

from __future__ import annotations

import os
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

CHROMIUM = os.environ.get("KANSLI_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls
# happen in the server's own thread, the test's own ORM calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does it in CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context. The pages run under their real Content-Security-Policy,
    and a test fails if the browser reports that the policy blocked anything."""
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    # A request still in flight (a page loading after the test's last step) would write
    # to the database after the audit log is cleared and before pytest-django's flush,
    # which the append-only triggers then refuse: wait until the network is quiet.
    page.wait_for_load_state("networkidle")
    context.close()
    assert blocked == [], blocked


def sv(text: str, **values: object) -> str:
    """A UI string as the Swedish page shows it (the msgid until it is translated), its
    %(name)s placeholders filled in from `values`."""
    with translation.override("sv"):
        message = translation.gettext(text)
    return message % values if values else message


def as_user(browser: Any, url: str, username: str, **options: Any) -> tuple[Any, Any]:
    """A new browser context (Swedish, with any further Playwright `options`) signed in
    as `username`: the context, to close when done, and its page."""
    context = browser.new_context(locale="sv-SE", **options)
    page = context.new_page()
    log_in(page, url, username)
    return context, page


def status(page: Any) -> str:
    """The page's status message, as shown after a form is sent."""
    return str(page.get_by_role("status").inner_text().strip())


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page and return the violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci")
    # A test waits for the page it means (wait_for_url) after a click that navigates;
    # this waits for that page to finish loading before axe reads it.
    page.wait_for_load_state()
    # Evaluated by the test driver, not added as an inline <script>: the page's CSP
    # rightly refuses those.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def log_in(page: Any, url: str, username: str, password: str = "kansli-demo") -> None:  # noqa: S107
    """Sign in through the login page, with the second step when the user needs it: the
    code from the user's authenticator, or at the first login the setup page, whose key
    the test reads from the page as a person would type it into an authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kansli.web.testing import totp_code

    page.goto(f"{url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_load_state()
    if "/login/kod/ny/" in page.url:
        key = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
        page.locator("#id_code").fill(totp_code(key))
        page.locator("#id_code").press("Enter")
        page.wait_for_load_state()
        page.locator("main a.button").click()
    elif "/login/kod/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.locator("#id_code").fill(totp_code(device))
        page.locator("#id_code").press("Enter")
    page.wait_for_url(f"{url}/")
