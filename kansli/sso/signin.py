"""What single sign-on does once the identity provider has said who someone is, the
same for OpenID Connect and SAML: find or create the person, bring the roles their
groups map to (KANSLI_SSO_GROUPS) up to date, and start the session, with the
identity provider's multi-factor authentication as the second factor.

Without that claim, a person who must give a second factor (one who can read
secrecy-marked documents, kansli.web.twofactor) gives Kansli's own code after the
identity provider, as after a password. One who has no authenticator app in Kansli is
refused rather than asked to add one: adding it would need only what the identity
provider checked, the password, so a stolen password would be enough to set up a
second factor of the thief's own."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import NoReturn

import django_otp
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kansli.audit.chain import record
from kansli.org.actions import do_create_user, do_end_role, do_grant_role
from kansli.org.models import Authority, Committee, RoleAssignment, User
from kansli.sso.config import Grant
from kansli.sso.models import NAME, IdentityProviderDevice, Link, SignOn
from kansli.web.twofactor import has_authenticator, needs_two_factor

UNMAPPED = (
    "Du har inget konto i Kansli och ingen av dina grupper hos identitetsleverantören "
    "ger en roll här. Kontakta systemadministratören."
)
INACTIVE = "Ditt konto i Kansli är avstängt. Kontakta systemadministratören."
NO_SECOND_FACTOR = (
    "Du kan läsa sekretessmarkerade handlingar och måste logga in med "
    "tvåstegsverifiering. Identitetsleverantören intygade ingen, och du har ingen "
    "autentiseringsapp i Kansli. Logga in med tvåstegsverifiering hos "
    "identitetsleverantören."
)
NO_USERNAME = "Identitetsleverantören skickade inget användarnamn."
BAD_USERNAME = "Användarnamnet från identitetsleverantören går inte att använda i Kansli."
NOT_LINKED = (
    "Det finns redan ett konto i Kansli med ditt användarnamn, men det är inte kopplat "
    "till kommunens inloggning. Be systemadministratören koppla det."
)
NO_ROLES = (
    "Ingen av dina grupper hos identitetsleverantören ger längre en roll i Kansli, och "
    "du har inga andra roller här. Kontakta systemadministratören."
)
TAKEN = (
    "Användarnamnet hör i Kansli till en annan person hos identitetsleverantören. "
    "Kontakta systemadministratören."
)


class Refused(Exception):
    """The sign-in is refused; the message is for the person."""


@dataclass(frozen=True)
class Identity:
    """What the identity provider said about the person."""

    protocol: str  # "oidc" or "saml"
    issuer: str  # the provider: OIDC `iss`, SAML entity id
    subject: str  # its lasting id for the person: OIDC `sub`, SAML NameID
    username: str
    email: str
    first_name: str
    last_name: str
    groups: frozenset[str]
    mfa: bool
    session: str = ""  # the provider's id for its session: OIDC `sid`, SAML SessionIndex


def grants_for(groups: Iterable[str]) -> set[Grant]:
    """The roles the person's groups give."""
    mapping = settings.SSO_GROUPS
    return {grant for group in groups for grant in mapping.get(group, ())}


def user_for(identity: Identity) -> User:
    """The person, found by their link to the provider (kansli.sso.models.Link), else by
    username, or created when unknown and a group maps; the mapped roles granted and
    those they no longer have a group for ended (roles not in the mapping, set by hand
    in the admin, are left as they are). Refused, with the refusal in the audit chain
    and nothing created or changed, when the username is another person's at the
    provider, an existing account is not linked (and KANSLI_SSO_LINK_EXISTING is off),
    or a second factor is needed and there is none to give; refused too, after their
    mapped roles were ended, when the person's groups give nothing any more and no role
    is left but those (someone moved out of the mapped groups at the provider)."""
    if not identity.username or not identity.subject:
        _refuse(identity, None, NO_USERNAME)
    wanted = grants_for(identity.groups)
    link = Link.objects.filter(issuer=identity.issuer, subject=identity.subject).first()
    user = link.user if link is not None else None
    if user is None:
        user = User.objects.filter(username=identity.username).first()
        if user is not None and user.sso_links.filter(issuer=identity.issuer).exists():
            _refuse(identity, user, TAKEN)  # a leaver's username given to a newcomer
        if user is not None and not settings.SSO_LINK_EXISTING:
            _refuse(identity, user, NOT_LINKED)
    if user is None and not wanted:
        _refuse(identity, None, UNMAPPED)
    if user is not None and not user.is_active:
        _refuse(identity, user, INACTIVE)
    known = user
    try:
        with transaction.atomic():  # a refusal below undoes the account and its roles
            if user is None:
                user = do_create_user(
                    identity.username,
                    first_name=identity.first_name[:150],
                    last_name=identity.last_name[:150],
                    email=identity.email,
                    actor=None,
                )
            if link is None:
                Link.objects.create(user=user, issuer=identity.issuer, subject=identity.subject)
            _sync_roles(user, wanted)
            if needs_two_factor(user) and not identity.mfa and not has_authenticator(user):
                raise Refused(NO_SECOND_FACTOR)
    except Refused as refusal:
        _refuse(identity, known, str(refusal))
    except (ValidationError, IntegrityError):  # a username Kansli cannot take; a race
        _refuse(identity, known, BAD_USERNAME)
    if not wanted and not _unmapped_roles(user):
        _refuse(identity, user, NO_ROLES)
    return user


def _sync_roles(user: User, wanted: set[Grant]) -> None:
    """Grant what the groups give and the person lacks; end, yesterday (or on its first
    day, if it began today), what the mapping gives but the groups no longer do."""
    today = timezone.localdate()
    mapped = {grant for grants in settings.SSO_GROUPS.values() for grant in grants}
    active = list(user.active_roles(today).select_related("authority", "committee"))
    held = {_grant_of(assignment): assignment for assignment in active}
    for grant in mapped:
        if grant in wanted and grant not in held:
            authority, committee = _where(grant)
            do_grant_role(
                user,
                grant.role,
                authority=authority,
                committee=committee,
                position=grant.position,
                valid_from=today,
                actor=None,
            )
        elif grant not in wanted and grant in held:
            assignment = held[grant]
            last_day = max(today - datetime.timedelta(days=1), assignment.valid_from)
            do_end_role(assignment, last_day, actor=None)


def _unmapped_roles(user: User) -> bool:
    """Whether the person has a role the mapping does not give (set in the admin). A
    mapped role ended today, on its first day, is still valid today: it counts not."""
    mapped = {grant for grants in settings.SSO_GROUPS.values() for grant in grants}
    return any(_grant_of(assignment) not in mapped for assignment in user.active_roles())


def _grant_of(assignment: RoleAssignment) -> Grant:
    where = assignment.committee or assignment.authority
    return Grant(assignment.role, where.code if where else None, assignment.position)


def _where(grant: Grant) -> tuple[Authority | None, Committee | None]:
    """The authority, or the committee, a grant's code names (authorities first)."""
    if grant.where is None:
        return None, None
    authority = Authority.objects.filter(code=grant.where).first()
    if authority is not None:
        return authority, None
    committee = Committee.objects.filter(code=grant.where).first()
    if committee is None:
        raise Refused(f"KANSLI_SSO_GROUPS nämner {grant.where}, som inte finns i Kansli.")
    return None, committee


def start_session(request: HttpRequest, user: User, identity: Identity) -> None:
    """Sign the person in (the user as user_for found them): with the identity
    provider's second factor when it gave one, else as after a password. The session
    is kept as a SignOn, for a logout the provider starts (kansli.sso.actions)."""
    second_factor = needs_two_factor(user)  # one is there: user_for saw to it
    auth.login(request, user)
    if identity.mfa:
        device, _ = IdentityProviderDevice.objects.get_or_create(
            user=user, defaults={"name": NAME, "confirmed": True}
        )
        django_otp.login(request, device)
    link = Link.objects.get(user=user, issuer=identity.issuer)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    # The person's earlier sessions that have ended meanwhile (expired) are no longer
    # kept, nor this session's own record of an earlier sign-on (auth.login gave the
    # session a new key, and the record followed it: kansli.web.dbsessions).
    key = request.session.session_key or ""
    gone = [one.pk for one in link.sign_ons.all() if not store.exists(one.session_key)]
    with transaction.atomic():
        SignOn.objects.filter(Q(session_key=key) | Q(pk__in=gone)).delete()
        SignOn.objects.create(
            link=link,
            protocol=identity.protocol,
            provider_session=identity.session[:255],
            session_key=key,
        )
        record(
            actor=user,
            action="web.log_in",
            obj=user,
            after={
                "two_factor": second_factor,
                "single_sign_on": identity.protocol,
                "identity_provider_mfa": identity.mfa,
            },
        )


def _refuse(identity: Identity, user: User | None, message: str) -> NoReturn:
    """The refusal in the audit chain (a transaction of its own, so that it stays), then
    Refused for the view to show."""
    with transaction.atomic():
        record(
            actor=None,
            action="web.fail_login",
            obj=user,
            label=identity.username[:150] or "?",
            after={
                "username": identity.username[:150],
                "single_sign_on": identity.protocol,
                "reason": message,
            },
        )
    raise Refused(message)
