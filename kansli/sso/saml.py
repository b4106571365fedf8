"""SAML 2 (djangosaml2 on pysaml2): Kansli as service provider, requests signed,
responses required to be signed, the person's username and groups read from the
assertion's attributes (KANSLI_SAML_USERNAME_ATTRIBUTE, KANSLI_SAML_GROUPS_ATTRIBUTE),
and the AuthnContextClassRef as the second factor when it is one of
KANSLI_SAML_MFA_CONTEXTS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from djangosaml2.backends import Saml2Backend
from djangosaml2.views import AssertionConsumerServiceView

from kansli.org.models import User
from kansli.sso.signin import Identity, Refused, start_session, user_for
from kansli.sso.views import FAILED, refused


def first(values: Any) -> str:
    """The first value of an attribute (SAML attributes are lists), or empty."""
    return str(values[0]) if isinstance(values, list | tuple) and values else ""


def multi_factor(session_info: dict[str, Any]) -> bool:
    """Whether the assertion's authentication statement says the person gave more than
    a password: `authn_info` holds (AuthnContextClassRef, authorities, instant)."""
    contexts = set(settings.SAML_MFA_CONTEXTS)
    return any(info and info[0] in contexts for info in session_info.get("authn_info") or [])


class Backend(Saml2Backend):
    """Finds or creates the person through kansli.sso.signin; the identity is left on
    the request for the assertion consumer, a refusal's message likewise."""

    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> User | None:
        if request is None or session_info is None:
            return None
        attributes = session_info.get("ava") or {}
        name_id = session_info.get("name_id")
        identity = Identity(
            protocol="saml",
            issuer=str(session_info.get("issuer") or ""),
            subject=str(getattr(name_id, "text", "") or ""),  # the signed assertion's NameID
            username=first(attributes.get(settings.SAML_USERNAME_ATTRIBUTE)),
            email=first(attributes.get("mail")),
            first_name=first(attributes.get("givenName")),
            last_name=first(attributes.get("sn")),
            groups=frozenset(attributes.get(settings.SAML_GROUPS_ATTRIBUTE) or []),
            mfa=multi_factor(session_info),
        )
        try:
            user = user_for(identity)
        except Refused as exc:
            request.kansli_sso_refused = str(exc)  # type: ignore[attr-defined]
            return None
        request.kansli_sso_identity = identity  # type: ignore[attr-defined]
        return user


class AssertionConsumerView(AssertionConsumerServiceView):
    """Where the identity provider posts its response: signed in through
    kansli.sso.signin, or refused with the reason."""

    def authenticate_user(
        self,
        request: HttpRequest,
        session_info: dict[str, Any],
        attribute_mapping: Any,
        create_unknown_user: Any,
        assertion_info: dict[str, Any],
    ) -> User:
        user = auth.authenticate(
            request=request,
            session_info=session_info,
            attribute_mapping=attribute_mapping,
            create_unknown_user=create_unknown_user,
            assertion_info=assertion_info,
        )
        if user is None:
            raise PermissionDenied(getattr(request, "kansli_sso_refused", FAILED))
        start_session(request, user, request.kansli_sso_identity)  # type: ignore[attr-defined]
        return user

    def handle_acs_failure(
        self,
        request: HttpRequest,
        exception: Exception | None = None,
        status: int = 403,
        **kwargs: Any,
    ) -> HttpResponse:
        """A refusal with its reason; any other failure (a bad signature, a response
        not asked for, one too old) with the general message."""
        message = str(exception) if isinstance(exception, PermissionDenied) else FAILED
        return refused(request, message)
