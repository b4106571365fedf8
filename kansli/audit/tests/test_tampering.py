"""Changing, removing or reordering events behind the application's back is found by
`verify()` and reported by `kansli audit verify` with exit status 1."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from kansli.audit.chain import chain_hash, details_digest, seal, verify
from kansli.audit.forget import forget_details
from kansli.audit.models import AuditEvent, ChainHead

pytestmark = pytest.mark.usefixtures("five_events", "triggers_lifted")


def run_verify() -> tuple[int, str, str]:
    """`kansli audit verify` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def change_a_field() -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'test.forged' WHERE seq = 3")


def change_the_time() -> None:
    event = AuditEvent.objects.get(seq=3)
    AuditEvent.objects.filter(seq=3).update(created_at=event.created_at.replace(year=2020))


def change_before() -> None:
    AuditEvent.objects.filter(seq=3).update(before={"n": 2, "title": "Annan rubrik"})


def change_after() -> None:
    AuditEvent.objects.filter(seq=3).update(after={"n": 99, "title": "Rubrik 3"})


def delete_a_middle_event() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 3")


def delete_the_last_event() -> None:
    AuditEvent.objects.filter(seq=5).delete()


def delete_the_last_event_and_move_the_head_back() -> None:
    # A forger who also rewinds the chain head: nothing in the database can tell,
    # unless the head was noted elsewhere. The chain is whole again, one event short.
    AuditEvent.objects.filter(seq=5).delete()
    ChainHead.objects.filter(pk=1).update(seq=4, hash=AuditEvent.objects.get(seq=4).hash)


def swap_two_events() -> None:
    AuditEvent.objects.filter(seq=2).update(seq=-1)
    AuditEvent.objects.filter(seq=4).update(seq=2)
    AuditEvent.objects.filter(seq=-1).update(seq=4)


def rewrite_an_event_with_a_fresh_hash() -> None:
    event = AuditEvent.objects.get(seq=3)
    event.after = {"n": 3, "title": "Förfalskad"}
    event.details_digest = details_digest(event.details_salt, event)
    AuditEvent.objects.filter(seq=3).update(
        after=event.after,
        details_digest=event.details_digest,
        hash=chain_hash(event.prev_hash, event),
    )


def forget_then_write_other_details() -> None:
    # Forgetting is allowed; writing something else in place of what was forgotten is not
    # (the salt that would seal new values went with the old ones).
    forget_details(AuditEvent.objects.filter(seq=3), reason="test", actor=None)
    AuditEvent.objects.filter(seq=3).update(object_label="Påhittad")


def add_an_address() -> None:
    AuditEvent.objects.filter(seq=2).update(client_ip="198.51.100.9")


def point_the_head_elsewhere() -> None:
    ChainHead.objects.filter(pk=1).update(hash="f" * 64)


def append_behind_the_head() -> None:
    last = AuditEvent.objects.get(seq=5)
    forged = AuditEvent(
        seq=6,
        created_at=last.created_at,
        actor_label="system",
        action="test.forged",
        prev_hash=last.hash,
    )
    seal(forged)
    forged.save(force_insert=True)


@pytest.mark.parametrize(
    ("tamper", "broken_seq", "reason"),
    [
        (change_a_field, 3, "innehållet stämmer inte med händelsens kontrollsumma"),
        (change_the_time, 3, "innehållet stämmer inte med händelsens kontrollsumma"),
        (change_before, 3, "uppgifterna stämmer inte med sin kontrollsumma"),
        (change_after, 3, "uppgifterna stämmer inte med sin kontrollsumma"),
        (forget_then_write_other_details, 3, "uppgifterna har lagts till efter att de glömts"),
        (add_an_address, 2, "adressen har lagts till efter att den glömts"),
        (delete_a_middle_event, 3, "händelsen saknas (nästa bevarade händelse är 4)"),
        (delete_the_last_event, 5, "händelsen saknas (kedjans huvud anger 5 händelser)"),
        (swap_two_events, 2, "händelsen följer inte på den föregående händelsen"),
        (rewrite_an_event_with_a_fresh_hash, 4, "händelsen följer inte på den föregående"),
        (point_the_head_elsewhere, 5, "händelsen är inte den som kedjans huvud anger"),
        (append_behind_the_head, 6, "händelsen ligger efter kedjans huvud, som anger 5"),
    ],
)
def test_tampering_is_found_at_the_first_broken_event(
    tamper: Callable[[], None], broken_seq: int, reason: str
) -> None:
    with transaction.atomic():
        tamper()

    result = verify()
    status, out, err = run_verify()

    assert not result.ok
    assert result.broken_seq == broken_seq
    assert result.reason.startswith(reason)
    assert status == 1
    assert out == ""
    assert err.startswith(f"Granskningskedjan är bruten vid händelse {broken_seq}: {reason}")
    assert err.rstrip().endswith(".")


def test_a_whole_chain_exits_zero_with_the_count() -> None:
    status, out, err = run_verify()

    assert status == 0
    assert out.strip() == "Granskningskedjan är hel: 5 händelser kontrollerade."
    assert err == ""


def test_a_rewound_head_is_beyond_what_the_database_can_tell() -> None:
    delete_the_last_event_and_move_the_head_back()

    assert verify().ok
    assert verify().checked == 4


def test_the_subcommand_is_required() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="subcommand"):
        call_command("audit")
