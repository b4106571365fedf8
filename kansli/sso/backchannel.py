"""OpenID Connect Back-Channel Logout 1.0: the identity provider posts a logout token
when the person signs out there (or is signed out by an administrator), and Kansli
ends that person's sessions started through the provider. The token is a JWT that
must be signed with a key from the provider's JWKS in KANSLI_OIDC_SIGN_ALGO, be
issued by KANSLI_OIDC_ISSUER to Kansli's client id, be fresh and not seen before, and
carry the back-channel logout event and `sub` or `sid` but no `nonce` (section 2.6);
anything else is answered 400 and ends nothing."""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from requests import RequestException

from kansli.cacheerrors import cache_errors
from kansli.sso.actions import PROVIDER_LOGOUT, do_end_sessions
from kansli.sso.models import SignOn
from kansli.sso.oidc import Backend
from kansli.web.sessions import SessionNotEnded

logger = logging.getLogger(__name__)

EVENT = "http://schemas.openid.net/event/backchannel-logout"
MAX_AGE = 300  # seconds a logout token is taken after its `iat`
LEEWAY = 30  # seconds the provider's clock may be ahead


class Invalid(Exception):
    """The logout token is not one to act on."""


def verified_claims(token: str) -> dict[str, Any]:
    """The logout token's claims, once everything section 2.6 asks is checked."""
    try:
        algorithm = jwt.get_unverified_header(token).get("alg")
        if algorithm != settings.OIDC_RP_SIGN_ALGO:  # also refuses "none"
            raise Invalid(f"signed with {algorithm!r}")
        key = Backend().retrieve_matching_jwk(token)  # the provider's JWKS, by `kid`
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[settings.OIDC_RP_SIGN_ALGO],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_ISSUER,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "iat", "jti"]},
        )
    except (jwt.PyJWTError, SuspiciousOperation, RequestException, KeyError) as exc:
        raise Invalid(str(exc)) from exc
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(EVENT), dict):
        raise Invalid("no back-channel logout event")
    if "nonce" in claims:
        raise Invalid("a nonce: an ID token, not a logout token")
    if not claims.get("sub") and not claims.get("sid"):
        raise Invalid("neither sub nor sid")
    if claims["iat"] < time.time() - MAX_AGE:
        raise Invalid("too old")
    try:
        seen = cache.get(seen_key(claims)) is not None
    except cache_errors() as error:  # 503 (kansli.web.faults): the provider sends it again
        raise SessionNotEnded() from error
    if seen:
        raise Invalid("seen before")
    return claims


def seen_key(claims: dict[str, Any]) -> str:
    return f"sso-logout-jti:{claims['jti']}"


def sign_ons_for(claims: dict[str, Any]) -> list[SignOn]:
    """The sessions the token names: the person's (`sub`), narrowed to the provider's
    session `sid` when given (sessions the provider gave no `sid` for are the
    person's all the same)."""
    found = SignOn.objects.filter(protocol="oidc", link__issuer=claims["iss"])
    if claims.get("sub"):
        found = found.filter(link__subject=claims["sub"])
    if claims.get("sid"):
        session = Q(provider_session=claims["sid"])
        found = found.filter(session | Q(provider_session="") if claims.get("sub") else session)
    return list(found)


@csrf_exempt
@require_POST
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    """The provider's POST with `logout_token`: 200 once the sessions are ended, 400
    for a token that is not valid (section 2.8), 503 with Retry-After when Redis (the
    record of tokens seen, the sessions) is out of reach: to be sent again."""
    headers = {"Cache-Control": "no-store"}
    try:
        claims = verified_claims(request.POST.get("logout_token", ""))
    except Invalid as exc:
        logger.warning("A back-channel logout token was refused: %s", exc)
        return HttpResponse(status=400, headers=headers)
    # Not acted on (SessionNotEnded: 503), it is not marked seen: the provider's retry
    # is taken. Two deliveries at once both end the sessions, which is no harm.
    do_end_sessions(sign_ons_for(claims), reason=PROVIDER_LOGOUT, actor=None)
    try:
        cache.set(seen_key(claims), True, MAX_AGE + LEEWAY)
    except cache_errors() as error:
        logger.warning("A logout token acted on could not be marked seen: %s", error)
    return HttpResponse(status=200, headers=headers)
