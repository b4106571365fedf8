"""Security headers, inactivity timeout and the second-factor gate, for every request.

Django itself sets X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-
Policy (SecurityMiddleware) and X-Frame-Options (XFrameOptionsMiddleware); see the
settings. Here: the Content-Security-Policy, which Django 5.2 does not have, and the
Permissions-Policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from kansli.files.sandbox import deadline
from kansli.web.twofactor import has_authenticator, second_factor_missing

# No inline script or style anywhere (htmx is configured without eval and inline
# styles; Swagger UI is served from django-ninja's own static files); data: images
# for the small icons in Swagger UI's style sheet.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Pages a session that still owes its second factor may open. The public e-diary
# needs no login at all (and must not touch the session, so that it can be cached);
# the API checks the second factor itself (kansli.web.api_auth.SessionAuth).
OPEN_URL_NAMES = frozenset(
    {"login", "logout", "set_language", "two_factor_verify", "two_factor_setup", "admin_login"}
)
OPEN_NAMESPACES = frozenset({"public", "api-v1"})
SEEN = "_kansli_seen_minute"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _outside_the_session(request: HttpRequest) -> bool:
    match = request.resolver_match
    return match is not None and bool(OPEN_NAMESPACES.intersection(match.namespaces))


class SessionActivityMiddleware(MiddlewareMixin):
    """KANSLI_SESSION_SECONDS is a limit on inactivity: every signed-in request renews
    the session's expiry (SESSION_COOKIE_AGE from now). Saving it on every request
    would write the session row each time, so it is renewed at most once a minute."""

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if _outside_the_session(request) or not request.user.is_authenticated:
            return
        minute = int(time.time() // 60)
        if request.session.get(SEEN) != minute:
            request.session[SEEN] = minute


class TwoFactorMiddleware(MiddlewareMixin):
    """A session that has passed the password but owes its one-time code reaches only
    the code pages (the setup page when there is no authenticator yet), logout and the
    language switch."""

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        match = request.resolver_match
        if not settings.REQUIRE_TWO_FACTOR or _outside_the_session(request):
            return None
        if match is not None and match.view_name in OPEN_URL_NAMES:
            return None
        if not second_factor_missing(request):
            return None
        target = "two_factor_verify" if has_authenticator(request.user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


METHOD_NOT_ALLOWED = "Metoden är inte tillåten för den här adressen."


class NotAllowedPageMiddleware:
    """Django answers a GET to a form's address (require_POST) with an empty 405: give it
    the product's page in the user's language, keeping the Allow header. Under /api/ the
    answer is JSON with a `detail`, like every other error of the API."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False):
            return response
        if request.path.startswith("/api/"):
            if response.get("Content-Type", "").startswith("application/json"):
                return response
            page: HttpResponse = JsonResponse({"detail": METHOD_NOT_ALLOWED}, status=405)
        elif not response.content:
            page = render(request, "405.html", status=405)
        else:
            return response
        page["Allow"] = response["Allow"]
        return page


class SandboxDeadlineMiddleware:
    """Work on a file in a sandboxed child (kansli.files.sandbox: a check, a page image,
    a cleaned copy) gets at most REQUEST_SECONDS of a request, so that a crafted file is
    stopped, and the request answered with the reason, before gunicorn kills the web
    process at 30 seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with deadline(settings.REQUEST_SECONDS):
            return self.get_response(request)
