"""The one action of personal data requests: searching for a person (GDPR art. 15), for
the page or as a register extract (registerutdrag). Who may search is the authority's
registrars and archivists, who answer such requests, or a superuser.

A search is itself a processing of the person's data and is audited: the event names the
authority, how many hits each source gave and what was made (page, PDF or CSV), and
instead of the name and number a keyed SHA-256 digest of them (HMAC with the
installation's secret key): whoever knows the name can later show that it was searched
for, while the log itself names nobody (GDPR art. 5.1 c, data minimisation; art. 32)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from kansli.audit.chain import record
from kansli.org.models import Authority, Role
from kansli.privacy.finder import Found, Person, find_person
from kansli.registry.permissions import has_role

SEARCHING_ROLES = [Role.REGISTRAR, Role.ARCHIVIST]
OUTPUTS = ("page", "pdf", "csv")


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_search(user: Any, authority: Authority) -> bool:
    """The authority's registrars and archivists today, and superusers."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser) or has_role(user, authority, SEARCHING_ROLES)


def searchable_authorities(user: Any) -> QuerySet[Authority]:
    """The authorities the user may search at (today's)."""
    if not _signed_in(user):
        return Authority.objects.none()
    authorities = Authority.objects.valid_on().select_related("municipality")
    if user.is_superuser:
        return authorities
    held = user.roles.valid_on().filter(role__in=SEARCHING_ROLES)
    return authorities.filter(pk__in=held.values("authority_id"))


def person_digest(person: Person) -> str:
    """The keyed digest the audit event keeps instead of the name and number: the same
    for the same person however the name's case and spacing or the number's separator
    and century were typed."""
    content = " ".join(person.words) + "|" + person.ten
    return salted_hmac("kansli.privacy.person", content, algorithm="sha256").hexdigest()


def do_search_person(
    authority: Authority, person: Person, *, output: str = "page", actor: Any
) -> Found:
    """Search for the person at the authority as the actor may read it (GDPR art. 15)
    and record that the search was made. The search reads only; its event is written in
    a transaction of its own after it, so that a long search does not hold the audit
    chain (nor, on SQLite, the database's write lock) while it reads."""
    if not may_search(actor, authority):
        raise PermissionDenied(
            "Endast registratorer och arkivarier får söka efter en persons uppgifter."
        )
    if output not in OUTPUTS:
        raise ValueError(output)
    if not person.words and not person.ten:
        raise ValidationError("Ange ett namn eller ett personnummer.")
    found = find_person(actor, authority, person)
    with transaction.atomic():
        record(
            actor=actor,
            action="privacy.search_person",
            obj=authority,
            after={
                # GDPR art. 5.1 c: neither the name nor the number in clear.
                "person_digest": person_digest(person),
                "by_name": bool(person.words),
                "by_personal_number": bool(person.ten),
                "hits": found.total,
                "per_source": found.counts(),
                "to_review": found.to_review,
                "output": output,
            },
        )
    return found
