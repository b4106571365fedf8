"""OpenID Connect (mozilla-django-oidc): the authorization-code flow with PKCE, the
ID token's issuer, audience and signature checked, the person's username and groups
read from the userinfo answer, and the ID token's `acr` or `amr` as the second
factor when it is one of KANSLI_OIDC_MFA_VALUES."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, HttpResponseRedirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from kansli.org.models import User
from kansli.sso.signin import Identity, Refused, start_session, user_for
from kansli.sso.views import FAILED, refused


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
        )
        try:
            user = user_for(identity)
        except Refused as exc:
            self.request.kansli_sso_refused = str(exc)
            return None
        self.request.kansli_sso_identity = identity
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the person back: signed in through
    kansli.sso.signin, or refused with the reason."""

    def login_success(self) -> HttpResponse:
        start_session(self.request, self.user, self.request.kansli_sso_identity)
        return HttpResponseRedirect(self.success_url)

    def login_failure(self) -> HttpResponse:
        return refused(self.request, getattr(self.request, "kansli_sso_refused", FAILED))
