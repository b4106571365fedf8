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
from kansli.audit.forget import forget_details
from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role
from kansli.org.permissions import is_sysadmin
from kansli.privacy.finder import AUDIT, Found, Person, find_person
from kansli.registry.permissions import has_role
from kansli.retention.scrub import scrub

SEARCHING_ROLES = [Role.REGISTRAR, Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER]
# An erasure decision (GDPR art. 17) is the data protection officer's to carry out.
ERASING_ROLES = [Role.DATA_PROTECTION_OFFICER]
DECISION_MAX = 200
OUTPUTS = ("page", "pdf", "csv")


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_search(user: Any, authority: Authority) -> bool:
    """The authority's registrars and archivists today, and today's system
    administrators (by their role: the stored admin flags can outlive it)."""
    if not _signed_in(user):
        return False
    return is_sysadmin(user) or has_role(user, authority, SEARCHING_ROLES)


def searchable_authorities(user: Any) -> QuerySet[Authority]:
    """The authorities the user may search at (today's)."""
    if not _signed_in(user):
        return Authority.objects.none()
    authorities = Authority.objects.valid_on().select_related("municipality")
    if is_sysadmin(user):
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


def may_erase(user: Any, authority: Authority) -> bool:
    """The authority's data protection officer today."""
    return _signed_in(user) and has_role(user, authority, ERASING_ROLES)


def do_erase_from_audit(
    authority: Authority, person: Person, seqs: list[int], *, decision: str, actor: Any
) -> int:
    """Carry out an erasure decision (GDPR art. 17): forget the details of the audit
    events the person search found for the person and the officer chose, naming the
    decision. Only the audit trail's copies are forgotten: the public documents
    themselves are kept, as Arkivlagen requires and GDPR art. 17.3 b allows, and go only
    by disposal under the plan. The chain still verifies (kansli.audit.forget); the
    event of the decision keeps the decision, the count and the keyed digest, never the
    name. Returns how many events were forgotten."""
    if not may_erase(actor, authority):
        raise PermissionDenied("Endast dataskyddsombudet verkställer beslut om radering.")
    decision = " ".join(decision.split())
    if not decision:
        raise ValidationError({"decision": "Ange beslutet om radering."})
    if len(decision) > DECISION_MAX:
        raise ValidationError({"decision": f"Beslutet får vara högst {DECISION_MAX} tecken."})
    if person.matches(decision) or (person.ten and person.ten in decision.replace("-", "")):
        raise ValidationError(
            {"decision": "Beslutet får inte innehålla personens namn eller personnummer."}
        )
    if not seqs:
        raise ValidationError({"seq": "Välj de händelser i granskningsloggen som ska rensas."})
    found = find_person(actor, authority, person)
    allowed = {int(hit.reference.lstrip("#")) for hit in found.groups[AUDIT]}
    if not set(seqs) <= allowed:
        raise ValidationError({"seq": "Bara händelser som sökningen hittade kan rensas."})
    with transaction.atomic():
        count = forget_details(
            AuditEvent.objects.filter(seq__in=seqs), reason=decision, actor=actor
        )
        record(
            actor=actor,
            action="privacy.erasure_decision",
            obj=authority,
            after={"decision": decision, "events": count, "person_digest": person_digest(person)},
        )
    scrub([], tables=["audit_auditevent"])  # the rows' old versions off the disk too
    return count
