"""Who is calling the API.

A caller is a person, found either by an API key (`Authorization: Bearer <key>`, see
kansli.org.tokens) or by the signed-in browser session. A session request that changes
something (POST, PUT, PATCH, DELETE) must carry the CSRF token (`X-CSRFToken`), as the
web pages do; a key request needs none, since no browser sends the key by itself. A
session that still owes its one-time code (kansli.web.twofactor) is refused (401)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kansli.org.models import User
from kansli.org.tokens import user_for_key
from kansli.web.twofactor import second_factor_missing

CSRF_REFUSED = "CSRF-kontrollen misslyckades: skicka sessionens CSRF-token i X-CSRFToken."
SECOND_FACTOR_MISSING = (
    "Inloggningen är inte klar: ange engångskoden på inloggningssidan, eller skicka en API-nyckel."
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` with a key made by `kansli token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_key(token)


class SessionAuth(APIKeyCookie):
    """The signed-in session; unsafe methods are refused (403) without the CSRF token.
    Unlike Ninja's own SessionAuth, a request without a session is simply not
    authenticated here (401), rather than refused for CSRF first; so is a session that
    has not given the one-time code it needs."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if second_factor_missing(request):
            raise HttpError(401, SECOND_FACTOR_MISSING)
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if check_csrf(request) is not None:
            raise HttpError(403, CSRF_REFUSED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user
