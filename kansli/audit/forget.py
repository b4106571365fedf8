"""Forgetting what audit events say while keeping the chain whole.

Disposal (gallring) under Arkivlagen 10 § and an erasure decision under GDPR art. 17
remove personal data; audit events about what is removed hold the same names and
values. Forgetting empties an event's details (the actor's and the object's names, the
values before and after) together with their salt; the digest the chain hashes stays,
so `verify` still proves that no event was added, removed or changed, and the forgotten
values cannot be recovered or confirmed by guessing. Addresses are forgotten the same
way after KANSLI_AUDIT_ADDRESS_DAYS (GDPR art. 5.1 e: kept no longer than needed).

These are building blocks for actions: they change rows and record what they did, and
leave the question of who may ask for it to the caller."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kansli.audit.chain import record
from kansli.audit.models import AuditEvent


def forget_details(events: QuerySet[AuditEvent], *, reason: str, actor: Any) -> int:
    """Forget the details (and the address) of the given events; record one event
    saying how many, which and why. The reason is kept: it must name the decision or
    the rule, never the person. Returns the number of events forgotten."""
    with transaction.atomic():
        chosen = events.exclude(details_salt="").order_by("seq")
        seqs = list(chosen.values_list("seq", flat=True))
        if not seqs:
            return 0
        AuditEvent.objects.filter(seq__in=seqs).update(
            actor_label="", object_label="", before=None, after=None, details_salt=""
        )
        AuditEvent.objects.filter(seq__in=seqs).exclude(address_salt="").update(
            client_ip=None, address_salt=""
        )
        record(
            actor=actor,
            action="audit.details_forgotten",
            after={"events": len(seqs), "first": seqs[0], "last": seqs[-1], "reason": reason},
            label=reason,
        )
    return len(seqs)


def forget_addresses(*, now: datetime.datetime | None = None) -> int:
    """Forget the address of every event older than KANSLI_AUDIT_ADDRESS_DAYS and record
    one event saying how many (none when there was nothing to forget)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_ADDRESS_DAYS)
    with transaction.atomic():
        count = (
            AuditEvent.objects.filter(created_at__lt=cutoff)
            .exclude(address_salt="")
            .update(client_ip=None, address_salt="")
        )
        if count:
            record(
                actor=None,
                action="audit.addresses_forgotten",
                after={"events": count, "older_than": cutoff.isoformat()},
            )
    return count
