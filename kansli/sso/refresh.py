"""The bound on how long someone removed at the identity provider keeps a Kansli
session started through OpenID Connect: every KANSLI_OIDC_RENEW_SECONDS the next page
(a GET) sends the browser to the provider for a silent sign-in (`prompt=none`,
mozilla-django-oidc's SessionRefresh). A person the provider still signs in comes
back through kansli.sso.oidc.CallbackView, their roles brought up to date; one it no
longer signs in (`login_required`), or whom Kansli refuses now, has the session ended
there.

A provider that shows its login form instead of answering `login_required` (as
LemonLDAP::NG 2.16 does) leaves the browser there, and requests other than GET are
not sent to it: a session not renewed for twice KANSLI_OIDC_RENEW_SECONDS is ended
at its next request of any kind, whatever the provider did."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from mozilla_django_oidc.middleware import SessionRefresh as OIDCSessionRefresh

from kansli.sso.actions import NOT_RENEWED
from kansli.sso.oidc import ENDED, end_this_session
from kansli.sso.views import refused

# The settings the base class reads once, at start-up, and their defaults there.
READ_AT_START: dict[str, Any] = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "",
    "OIDC_RP_CLIENT_ID": "",
    "OIDC_STATE_SIZE": 32,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "sso_oidc_callback",
    "OIDC_RP_SCOPES": "openid email",
    "OIDC_USE_NONCE": True,
    "OIDC_NONCE_SIZE": 32,
}


class SessionRefresh(OIDCSessionRefresh):
    """mozilla-django-oidc's middleware reading the settings at each request (so
    that a provider set up after start-up, as in the tests, is the one asked), and
    only while OpenID Connect is on."""

    def __init__(self, get_response: Any) -> None:
        # MiddlewareMixin's, not the base class's, which reads the settings once.
        super(OIDCSessionRefresh, self).__init__(get_response)

    def __getattr__(self, name: str) -> Any:
        if name in READ_AT_START:
            return getattr(settings, name, READ_AT_START[name])
        raise AttributeError(name)

    @property
    def exempt_urls(self) -> set[str]:
        names = ["sso_oidc_start", "sso_oidc_callback", "sso_oidc_backchannel", "logout"]
        return {reverse(name) for name in names}

    @property
    def exempt_url_patterns(self) -> set[Any]:
        return set()

    def is_refreshable_url(self, request: HttpRequest) -> bool:
        """Not a part of a page htmx fetches (a progress bar, a field's choices): the
        browser would be sent to the provider in the background and the part broken.
        The next whole page renews; `overdue` still bounds the session."""
        return "HX-Request" not in request.headers and bool(super().is_refreshable_url(request))

    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:
        if not settings.OIDC_ENABLED:
            return None
        if overdue(request) and end_this_session(request, NOT_RENEWED):
            return refused(request, ENDED)
        return super().process_request(request)


def overdue(request: HttpRequest) -> bool:
    """Whether a session signed in through OpenID Connect (kansli.sso.oidc.CallbackView
    keeps when it is to be renewed) has gone a whole period more without renewal."""
    renew_at = request.session.get("oidc_id_token_expiration")
    if renew_at is None or not request.user.is_authenticated:
        return False
    return bool(time.time() > renew_at + settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS)
