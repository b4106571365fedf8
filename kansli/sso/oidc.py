"""OpenID Connect (mozilla-django-oidc): the authorization-code flow with PKCE, the
ID token's issuer, audience and signature checked, the person's username and groups
read from the userinfo answer, and the ID token's `acr` or `amr` as the second
factor when it is one of KANSLI_OIDC_MFA_VALUES.

The session is signed in again without a word every KANSLI_OIDC_RENEW_SECONDS
(kansli.sso.refresh): the provider's answer then brings the roles up to date, and a
refusal, or a provider that no longer signs the person in, ends the session. Signing
out of Kansli sends the browser to the provider's end_session_endpoint
(RP-initiated logout, with the ID token as id_token_hint)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from kansli.org.models import User
from kansli.sso.actions import NOT_RENEWED, REFUSED, do_end_sessions
from kansli.sso.keys import signing_key
from kansli.sso.models import SignOn
from kansli.sso.signin import Identity, Refused, start_session, user_for
from kansli.sso.views import FAILED, refused

ENDED = "Din inloggning hos identitetsleverantören har upphört. Logga in igen."


def values(claim: Any) -> list[str]:
    """A claim that may be one string (space-separated) or a list of strings."""
    if isinstance(claim, str):
        return claim.split()
    if isinstance(claim, list | tuple):
        return [str(value) for value in claim]
    return []


def multi_factor(id_token: dict[str, Any]) -> bool:
    """Whether the ID token says the person gave more than a password."""
    given = {*values(id_token.get("acr")), *values(id_token.get("amr"))}
    return bool(given & set(settings.OIDC_MFA_VALUES))


class Backend(OIDCAuthenticationBackend):
    """Finds or creates the person through kansli.sso.signin; the identity is left on
    the request for the callback view, a refusal's message likewise."""

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if settings.OIDC_RP_CLIENT_ID not in values(payload.get("aud")):
            raise SuspiciousOperation("ID token for another client")
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OpenID Connect Core 5.3.2
            raise SuspiciousOperation("userinfo for another subject")
        identity = Identity(
            protocol="oidc",
            issuer=str(payload.get("iss") or ""),
            subject=str(payload.get("sub") or ""),  # from the signed ID token
            username=str(claims.get(settings.OIDC_USERNAME_CLAIM) or ""),
            email=str(claims.get("email") or ""),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
            groups=frozenset(values(claims.get(settings.OIDC_GROUPS_CLAIM))),
            mfa=multi_factor(payload),
            session=str(payload.get("sid") or ""),
        )
        try:
            user = user_for(identity)
        except Refused as exc:
            self.request.kansli_sso_refused = str(exc)
            return None
        self.request.kansli_sso_identity = identity
        return user

    def retrieve_matching_jwk(self, token: str | bytes) -> jwt.PyJWK:
        """The provider's key that signed the token, from the key set this process keeps
        (kansli.sso.keys), not fetched for every token as the library did."""
        return signing_key(token, verify=self.get_settings("OIDC_VERIFY_SSL", True))

    def store_tokens(self, access_token: str, id_token: str) -> None:
        """The ID token is kept in the session: signing out hands it to the provider."""
        self.request.session["oidc_id_token"] = id_token


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the person back: signed in through
    kansli.sso.signin, or refused with the reason. Also the end of a renewal
    (kansli.sso.refresh): the same person's session goes on until the next one; an
    error from the provider (`login_required`: it no longer signs the person in) or a
    refusal ends the session that was signed in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.get("oidc_states") or {}
        if request.user.is_authenticated and request.GET.get("state", "") not in pending:
            # Not the answer to a sign-in or renewal this session asked for (with an
            # error, a code or nothing at all), but a link anyone can send: signing the
            # person out on it, as the library and login_failure would, is left undone.
            return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL))
        if request.GET.get("error") and end_this_session(request, NOT_RENEWED):
            request.kansli_sso_refused = ENDED  # type: ignore[attr-defined]
        return super().get(request)

    def login_success(self) -> HttpResponse:
        renewal = self.request.user.is_authenticated and self.request.user == self.user
        if not renewal:
            start_session(self.request, self.user, self.request.kansli_sso_identity)
        self.request.session["oidc_id_token_expiration"] = (
            time.time() + settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS
        )
        return HttpResponseRedirect(self.success_url)

    def login_failure(self) -> HttpResponse:
        end_this_session(self.request, REFUSED)
        return refused(self.request, getattr(self.request, "kansli_sso_refused", FAILED))


def end_this_session(request: HttpRequest, reason: str) -> bool:
    """The request's own session, if signed in through the provider, ended because the
    provider, or Kansli's rules, no longer let the person in; whether it was."""
    key = request.session.session_key
    sign_ons = list(SignOn.objects.filter(session_key=key)) if key else []
    if not sign_ons or not request.user.is_authenticated:
        return False
    do_end_sessions(sign_ons, reason=reason, actor=None)
    auth.logout(request)
    return True


def logout_url(request: HttpRequest) -> str | None:
    """The provider's end_session_endpoint for this session (OpenID Connect
    RP-Initiated Logout 1.0, section 2), coming back to Kansli's login page; None
    without an endpoint (KANSLI_OIDC_END_SESSION_ENDPOINT) or an ID token."""
    id_token = request.session.get("oidc_id_token")
    if not settings.OIDC_OP_LOGOUT_ENDPOINT or not id_token:
        return None
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
