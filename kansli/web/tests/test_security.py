"""Security headers, cookies, the inactivity timeout and CSRF on every form."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kansli.org.testing import make_user
from kansli.web.middleware import SEEN

pytestmark = pytest.mark.django_db
KANSLI = Path(__file__).resolve().parents[2]
# Rendered to PDF by WeasyPrint, never served as a page: its <style> meets no browser.
NOT_PAGES = {"registry/letter/acknowledgement.html"}


def templates() -> list[tuple[str, str]]:
    found = []
    for path in sorted(KANSLI.glob("*/templates/**/*.html")):
        name = "/".join(path.parts[path.parts.index("templates") + 1 :])
        found.append((name, path.read_text(encoding="utf-8")))
    assert len(found) > 10
    return found


@pytest.mark.parametrize("path", ["/login/", "/no-such-page/"])
def test_security_headers_on_every_response(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == (200 if path == "/login/" else 404)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_api_documentation_is_served_from_here() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
    assert not re.search(r"<script>|<script(?![^>]*(src=|application/json))", html)


@pytest.mark.parametrize(("name", "text"), templates())
def test_no_inline_script_style_or_event_handler(name: str, text: str) -> None:
    if name in NOT_PAGES or "/pdf/" in name:  # rendered to PDF, never sent to a browser
        return
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), name
    assert not re.search(r"<style|\sstyle=", text), name
    assert not re.search(r"\son[a-z]+=", text), name
    assert "javascript:" not in text, name


@pytest.mark.parametrize(("name", "text"), templates())
def test_every_post_form_has_a_csrf_token(name: str, text: str) -> None:
    for form in re.finditer(r"(<form\b[^>]*>)(.*?)</form>", text, re.S | re.I):
        if re.search(r"method=[\"']?post", form.group(1), re.I):
            assert "{% csrf_token %}" in form.group(2), f"{name}: {form.group(1)}"


def test_only_the_api_is_exempt_from_django_csrf() -> None:
    """The API's views are csrf_exempt because its session authentication checks the
    token itself (kansli.web.api_auth.SessionAuth); the SAML assertion consumer, to
    which the identity provider posts a signed response answering a request this
    browser's session made (kansli.sso.saml); the SAML single logout service, to which
    the provider sends its signed logout messages (an unsigned request is refused,
    kansli.sso.saml); and the OpenID Connect back-channel logout, which the provider
    posts server to server with a signed token (kansli.sso.backchannel). Nothing else
    may be."""

    def walk(patterns: list, prefix: str = "") -> list[tuple[str, object]]:
        found: list[tuple[str, object]] = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append((prefix + str(pattern.pattern), pattern.callback))
        return found

    exempt = [route for route, view in walk(get_resolver().url_patterns)
              if getattr(view, "csrf_exempt", False)]  # fmt: skip
    signed = {"sso/saml/acs/", "sso/saml/ls/", "sso/saml/ls/post/", "sso/oidc/logout/"}
    exempt = [route for route in exempt if route not in signed]
    assert exempt and all(route.startswith("api/v1/") for route in exempt), exempt


def test_a_post_without_the_csrf_token_is_refused() -> None:
    make_user("eva", password="right-password-1")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "eva", "password": "right-password-1"})
    assert response.status_code == 403


def test_session_cookie_is_http_only_lax_and_secure_when_asked(settings) -> None:
    settings.SESSION_COOKIE_SECURE = True
    make_user("eva", password="right-password-1")
    response = Client().post("/login/", {"username": "eva", "password": "right-password-1"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_the_session_ends_after_inactivity() -> None:
    make_user("eva", password="right-password-1")
    client = Client()
    client.post("/login/", {"username": "eva", "password": "right-password-1"})
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(seconds=30)

    # Still active: a request renews the expiry to a full SESSION_COOKIE_AGE.
    session = client.session
    session[SEEN] = 0
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > soon + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)

    # Inactive for longer than that: signed out.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/"
