"""Forgetting an event's details or address keeps the chain verifiable, and the triggers
let nothing else through (issue 16 part 4)."""

from __future__ import annotations

import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from kansli.audit import triggers
from kansli.audit.chain import GENESIS, record, verify
from kansli.audit.context import RequestContext, current
from kansli.audit.forget import forget_addresses, forget_details
from kansli.audit.models import AuditEvent, ChainHead
from kansli.audit.tests.conftest import append_events
from kansli.org.testing import make_user

pytestmark = pytest.mark.django_db


def signed_in_event(address: str) -> AuditEvent:
    """An event written for a signed-in user's request from `address`."""
    user = make_user("handlaggare")
    token = current.set(RequestContext(request_id="r1", client_ip=address))
    try:
        with transaction.atomic():
            return record(actor=user, action="test.look", label="Anna Andersson 19800101-1234")
    finally:
        current.reset(token)


def test_forgotten_details_are_gone_and_the_chain_still_verifies() -> None:
    append_events(5)
    forgotten = forget_details(
        AuditEvent.objects.filter(seq__in=[2, 3]), reason="Gallring enligt plan 1", actor=None
    )

    assert forgotten == 2
    for event in AuditEvent.objects.filter(seq__in=[2, 3]):
        assert (event.actor_label, event.object_label, event.before, event.after) == (
            "",
            "",
            None,
            None,
        )
        assert event.details_salt == ""
        assert len(event.details_digest) == 64  # the digest the chain hashes stays
    assert AuditEvent.objects.get(seq=4).object_label == "Objekt 4"
    note = AuditEvent.objects.get(seq=6)
    assert note.action == "audit.details_forgotten"
    assert note.after == {"events": 2, "first": 2, "last": 3, "reason": "Gallring enligt plan 1"}
    result = verify()
    assert result.ok
    assert (result.checked, result.forgotten) == (6, 2)


def test_forgetting_twice_forgets_nothing_more() -> None:
    append_events(2)
    forget_details(AuditEvent.objects.filter(seq=1), reason="Beslut", actor=None)

    assert forget_details(AuditEvent.objects.filter(seq=1), reason="Beslut", actor=None) == 0
    assert AuditEvent.objects.count() == 3  # no second note
    assert verify().ok


def test_the_verify_command_says_how_many_events_have_forgotten_details() -> None:
    append_events(3)
    forget_details(AuditEvent.objects.filter(seq=1), reason="Beslut", actor=None)
    out = io.StringIO()

    call_command("audit", "verify", stdout=out)

    assert out.getvalue().strip() == (
        "Granskningskedjan är hel: 4 händelser kontrollerade, varav 1 med glömda uppgifter."
    )


@pytest.mark.parametrize(
    "change",
    [
        {"action": "test.forged"},
        {"object_id": "99"},
        {"details_digest": "0" * 64},
        {"actor_label": ""},  # partly forgotten: the salt kept
        {"object_label": "Annan"},
        {"details_salt": ""},  # the salt dropped, the details kept
        {"client_ip": None},  # the address without its salt
    ],
)
def test_the_triggers_refuse_every_update_but_forgetting(change: dict[str, object]) -> None:
    event = signed_in_event("203.0.113.5")
    assert triggers.installed(connection)

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(**change)


def test_the_triggers_let_forgetting_through() -> None:
    event = signed_in_event("203.0.113.5")

    with transaction.atomic():
        AuditEvent.objects.filter(seq=event.seq).update(client_ip=None, address_salt="")
        AuditEvent.objects.filter(seq=event.seq).update(
            actor_label="", object_label="", before=None, after=None, details_salt=""
        )

    assert verify().ok


@override_settings(AUDIT_ADDRESS_DAYS=90)
def test_staff_addresses_are_forgotten_after_the_configured_days() -> None:
    old = signed_in_event("203.0.113.5")
    later = timezone.now() + datetime.timedelta(days=90, minutes=1)

    assert forget_addresses(now=later - datetime.timedelta(minutes=2)) == 0
    assert forget_addresses(now=later) == 1

    old.refresh_from_db()
    assert old.client_ip is None
    assert old.address_salt == ""
    assert old.actor_label.startswith("handlaggare")  # only the address goes
    note = AuditEvent.objects.get(action="audit.addresses_forgotten")
    assert note.after is not None
    assert note.after["events"] == 1
    assert note.client_ip is None
    assert verify().ok
    assert forget_addresses(now=later) == 0  # nothing left to forget, no new note


def test_a_changed_address_is_found(db: None) -> None:
    event = signed_in_event("203.0.113.5")
    with transaction.atomic():
        triggers.drop(connection)
        AuditEvent.objects.filter(seq=event.seq).update(client_ip="198.51.100.9")
        result = verify()
        transaction.set_rollback(True)

    assert (result.broken_seq, result.reason) == (
        event.seq,
        "adressen stämmer inte med sin kontrollsumma",
    )


reseal_migration = importlib.import_module("kansli.audit.migrations.0004_reseal_chain")


def old_chain(count: int) -> str:
    """`count` events hashed the way the chain was before migration 0004; their head."""
    import hashlib

    prev = GENESIS
    for seq in range(1, count + 1):
        event = AuditEvent(
            seq=seq,
            created_at=timezone.now(),
            actor_label="Anna Andersson (anna)",
            action="test.old",
            object_label=f"Objekt {seq}",
            after={"n": seq},
            client_ip="203.0.113.5" if seq == 2 else None,
            prev_hash=prev,
        )
        event.hash = hashlib.sha256(
            prev.encode() + reseal_migration.old_canonical(event)
        ).hexdigest()
        event.save(force_insert=True)
        prev = event.hash
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": count, "hash": prev})
    return prev


def run_reseal() -> None:
    from django.apps import apps

    with transaction.atomic():
        reseal_migration.reseal(apps, SimpleNamespace(connection=connection))


def test_the_migration_reseals_an_old_chain_and_names_its_head() -> None:
    old_head = old_chain(3)

    run_reseal()

    assert verify().ok
    note = AuditEvent.objects.get(seq=4)
    assert note.action == "audit.chain_resealed"
    assert note.after == {"events": 3, "old_head_hash": old_head}
    second = AuditEvent.objects.get(seq=2)
    assert second.client_ip == "203.0.113.5"
    assert second.address_salt != ""
    assert triggers.installed(connection)
    forget_details(AuditEvent.objects.filter(seq=2), reason="Beslut", actor=None)
    assert verify().ok


def test_the_migration_refuses_a_broken_old_chain() -> None:
    old_chain(3)
    with transaction.atomic():
        triggers.drop(connection)
        AuditEvent.objects.filter(seq=2).update(object_label="Ändrad")
        triggers.install(connection)

    with pytest.raises(RuntimeError, match="bruten vid händelse 2"):
        run_reseal()

    assert AuditEvent.objects.get(seq=1).details_salt == ""  # nothing rewritten
