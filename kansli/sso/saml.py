"""SAML 2 (djangosaml2 on pysaml2): Kansli as service provider, requests signed,
responses required to be signed, the person's username and groups read from the
assertion's attributes (KANSLI_SAML_USERNAME_ATTRIBUTE, KANSLI_SAML_GROUPS_ATTRIBUTE),
and the AuthnContextClassRef as the second factor when it is one of
KANSLI_SAML_MFA_CONTEXTS.

Single logout: signing out of Kansli sends the browser to the provider with a signed
LogoutRequest (HTTP-Redirect), and the provider's LogoutResponse comes back to
`sso/saml/ls/`. A LogoutRequest the provider starts comes there too: when signed by
the provider it ends every session of that person (NameID) started through it, or
those of its SessionIndex; one not signed is refused (400) and ends nothing (djangosaml2
would otherwise sign the browser out on any request, signed or not)."""

from __future__ import annotations

import base64
import binascii
import logging
import zlib
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from djangosaml2.backends import Saml2Backend
from djangosaml2.cache import IdentityCache, StateCache
from djangosaml2.conf import get_config
from djangosaml2.utils import get_location
from djangosaml2.views import (
    AssertionConsumerServiceView,
    LogoutView,
    _get_subject_id,
    _set_subject_id,
)
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.request import LogoutRequest
from saml2.s_utils import UnsupportedBinding
from saml2.saml import NameID
from saml2.sigver import SignatureError

from kansli.org.models import User
from kansli.sso.actions import PROVIDER_LOGOUT, do_end_sessions
from kansli.sso.models import SignOn
from kansli.sso.signin import Identity, Refused, start_session, user_for
from kansli.sso.views import FAILED, refused

logger = logging.getLogger(__name__)
# A SAML message as sent (base64), and once inflated (HTTP-Redirect deflates it): a
# real one is a few kilobytes; a hostile one inflates a thousandfold before anything
# has checked its signature.
MAX_SENT = 200_000
MAX_XML = 1_000_000


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
            session=str(session_info.get("session_index") or ""),
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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            check_size(request.POST.get("SAMLResponse", ""), BINDING_HTTP_POST)
        except ValueError as exc:
            logger.warning("A SAML response was refused: %s", exc)
            return refused(request, FAILED)
        return super().post(request, *args, **kwargs)

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
        saml_session = request.saml_session  # type: ignore[attr-defined]
        _set_subject_id(saml_session, session_info["name_id"])  # for single logout
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


def client(request: HttpRequest) -> tuple[StateCache, Saml2Client]:
    """pysaml2's client with the browser's SAML state (its `saml_session` cookie)."""
    state = StateCache(request.saml_session)  # type: ignore[attr-defined]
    identities = IdentityCache(request.saml_session)  # type: ignore[attr-defined]
    config = get_config(None, request)
    return state, Saml2Client(config, state_cache=state, identity_cache=identities)


def logout_url(request: HttpRequest) -> str | None:
    """The provider's single logout service with a signed LogoutRequest for this
    browser's person (SAML 2 profiles, section 4.4.3.1), over HTTP-Redirect; None when
    the session has no SAML subject or the provider has no such service."""
    subject = _get_subject_id(request.saml_session)  # type: ignore[attr-defined]
    if subject is None:
        return None
    state, saml = client(request)
    try:
        sent = saml.do_logout(
            subject,
            saml.users.issuers_of_info(subject),
            reason="",
            expire=None,
            expected_binding=BINDING_HTTP_REDIRECT,
        )
    except UnsupportedBinding:
        return None
    state.sync()
    for binding, http_info in (info for info in sent.values() if isinstance(info, tuple)):
        if binding == BINDING_HTTP_REDIRECT:
            return str(get_location(http_info))
    return None


class SingleLogoutView(LogoutView):
    """`sso/saml/ls/`: the provider's answer to Kansli's LogoutRequest (djangosaml2's
    own handling), or its LogoutRequest, which must be signed."""

    def do_logout_service(
        self, request: HttpRequest, data: Any, binding: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        try:
            for name in ("SAMLRequest", "SAMLResponse"):
                check_size(data.get(name, ""), binding)
        except ValueError as exc:
            logger.warning("A SAML logout message was refused: %s", exc)
            return HttpResponseBadRequest("Utloggningsbegäran är inte giltig.")
        if "SAMLRequest" in data:
            try:
                message = signed_logout_request(request, data, binding)
            except (SignatureError, ValueError) as exc:
                logger.warning("A SAML LogoutRequest was refused: %s", exc)
                return HttpResponseBadRequest("Utloggningsbegäran är inte giltig.")
            do_end_sessions(sessions_named(message), reason=PROVIDER_LOGOUT, actor=None)
        return super().do_logout_service(request, data, binding, *args, **kwargs)


def signed_logout_request(request: HttpRequest, data: Any, binding: str) -> Any:
    """The LogoutRequest, its signature checked against the provider's certificate in
    the metadata (the query's for HTTP-Redirect, the XML's for HTTP-POST)."""
    _state, saml = client(request)
    addresses = saml.config.endpoint("single_logout_service", binding, "sp")
    parsed = LogoutRequest(
        saml.sec, addresses, saml.config.attribute_converters, saml.config.accepted_time_diff or 0
    )
    try:
        xml = saml.unravel(data["SAMLRequest"], binding, LogoutRequest.msgtype)
        parsed.loads(
            xml,
            binding,
            origdoc=data["SAMLRequest"],
            must=True,
            relay_state=data.get("RelayState"),
            sigalg=data.get("SigAlg"),
            signature=data.get("Signature"),
        )
        parsed.verify()
    except Exception as exc:  # pysaml2 raises many kinds for a bad message
        raise ValueError(str(exc)) from exc
    if parsed.message is None or not isinstance(parsed.message.name_id, NameID):
        raise ValueError("no NameID")
    if parsed.message.issuer is None:
        raise ValueError("no issuer")
    return parsed.message


def check_size(message: str, binding: str) -> None:
    """ValueError for a message longer than MAX_SENT, not base64, or (HTTP-Redirect)
    inflating beyond MAX_XML; pysaml2 would inflate it whole, unchecked."""
    if len(message) > MAX_SENT:
        raise ValueError(f"{len(message)} characters")
    if not message or binding != BINDING_HTTP_REDIRECT:
        return
    try:
        inflated = zlib.decompressobj(-zlib.MAX_WBITS).decompress(
            base64.b64decode(message), MAX_XML + 1
        )
    except (binascii.Error, zlib.error) as exc:
        raise ValueError(f"not a deflated message: {exc}") from exc
    if len(inflated) > MAX_XML:
        raise ValueError(f"inflates beyond {MAX_XML} bytes")


def sessions_named(message: Any) -> list[SignOn]:
    """The sessions a LogoutRequest names: the person's (issuer and NameID), only
    those of its SessionIndexes when it gives some."""
    found = SignOn.objects.filter(
        protocol="saml",
        link__issuer=message.issuer.text,
        link__subject=message.name_id.text,
    )
    indexes = [index.text for index in message.session_index or []]
    if indexes:
        found = found.filter(provider_session__in=[*indexes, ""])
    return list(found)
