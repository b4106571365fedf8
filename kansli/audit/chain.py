"""Appending to and verifying the hash chain of audit events."""

from __future__ import annotations

import datetime
import enum
import hashlib
import ipaddress
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from kansli.audit.context import current
from kansli.audit.models import AuditEvent, ChainHead
from kansli.rows import execute, insert, insert_statement

GENESIS = "0" * 64


class Mark(enum.IntEnum):
    """What an `on_record` function makes of an event; the strongest answer counts."""

    NONE = 0
    ADDITION = 1  # it only adds to what the function watches: the head's `added_seq`
    CHANGE = 2  # it may change or hide what the function watches: `marked_seq`


# Functions asked about every event as `record` writes it, inside its transaction: each
# answers how to mark the event. A higher floor appends its own (kansli.public marks
# what may change the public pages; kansli/public/pagecache.py). The chain head keeps the
# newest changing event's number (`marked_seq`) and the newest adding one's
# (`added_seq`), written in the statement that writes the head, so they commit or roll
# back with the change. A function may also arrange work for after the commit
# (transaction.on_commit). All are asked; none may write. They are asked before the
# event has its place in the chain (no seq, pk or final created_at yet): `record`
# prepares all it can before it takes the head.
on_record: list[Callable[[AuditEvent], Mark]] = []


# The details an event may have to forget: names, free text, the values before and
# after (personal data that disposal under Arkivlagen or an erasure decision under GDPR
# art. 17 removes) and, apart from them, the address the request came from, which is
# kept only for a while (KANSLI_AUDIT_ADDRESS_DAYS). The chain hashes a salted digest of
# each group instead of the values, so either can be removed and the chain still proves
# that no event was added, removed or changed. The salt goes with the values: without
# it, a digest cannot be used to confirm a guessed name or address.
DETAILS = ("actor_label", "object_label", "before", "after")


def _json(content: dict[str, Any]) -> bytes:
    """Sorted keys, no insignificant white space: the same bytes on every database."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def canonical(event: AuditEvent) -> bytes:
    """The event's lasting content as bytes that do not depend on the database: UTC time
    with microseconds and the digests of its forgettable details."""
    created = event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return _json(
        {
            "seq": event.seq,
            "created_at": created,
            "actor_id": event.actor_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "request_id": event.request_id,
            "details_digest": event.details_digest,
            "address_digest": event.address_digest,
        }
    )


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous event's hash and this event's canonical content."""
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


def details_digest(salt: str, event: AuditEvent) -> str:
    """SHA-256 over the salt and the event's details."""
    details = _json({name: getattr(event, name) for name in DETAILS})
    return hashlib.sha256(bytes.fromhex(salt) + details).hexdigest()


def address_digest(salt: str, address: str) -> str:
    """SHA-256 over the salt and the address."""
    return hashlib.sha256(bytes.fromhex(salt) + address.encode()).hexdigest()


def seal(event: AuditEvent) -> None:
    """Give a new event its salts, digests and hash (its seq and prev_hash are set)."""
    _salt(event)
    event.hash = chain_hash(event.prev_hash, event)


def _salt(event: AuditEvent) -> None:
    """The salts and digests of a new event's details and address: they do not depend on
    where the event comes in the chain."""
    event.details_salt = secrets.token_hex(16)
    event.details_digest = details_digest(event.details_salt, event)
    if event.client_ip:
        event.address_salt = secrets.token_hex(16)
        event.address_digest = address_digest(event.address_salt, event.client_ip)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append one event. Called by actions inside their transaction, so the event
    commits or rolls back with the change it describes. `actor` is a user, or None
    for the system itself (commands, the worker).

    The head row is locked from here until the commit and every audited change waits
    for it, so all that does not depend on the event's place in the chain (its details,
    salts, digests and marks) is done before the head is taken, and after it two
    statements (one on SQLite); actions call this last, after their other writes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the action's transaction")
    event = new_event(actor=actor, action=action, obj=obj, before=before, after=after, label=label)
    mark = _mark(event)
    _salt(event)
    seq, prev_hash = _advance_head()
    # Timed under the head's lock: an event's time never comes before that of one
    # numbered ahead of it in another transaction.
    event.created_at = timezone.now()
    event.seq, event.prev_hash = seq, prev_hash
    event.hash = chain_hash(prev_hash, event)
    marked, added = (seq if mark == Mark.CHANGE else 0), (seq if mark == Mark.ADDITION else 0)
    if connection.vendor == "postgresql":
        _insert_with_head(event, marked=marked, added=added)
    else:
        insert(event)
        _write_head(event.hash, marked=marked, added=added)
    return event


def new_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """The event `record` writes, before it is numbered and sealed (`record` and
    `append_batch` do that)."""
    context = current.get()
    return AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_actor_label(actor)[:300],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label if label is not None else str(obj) if obj is not None else "")[:500],
        before=_plain(before),
        after=_plain(after),
        request_id=context.request_id,
        client_ip=_client_ip(context.client_ip) if _keeps_address(actor, obj) else None,
    )


def append_batch(events: list[AuditEvent]) -> None:
    """Number, chain and seal a batch of new events (`new_event`) as `record` would one
    by one, advancing the chain head once for all of them: a bulk import writes the
    rows itself (COPY), in the same transaction. The head row is locked as in `record`;
    every on_record function is asked about every event, and the head keeps the newest
    changing and the newest adding one's numbers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the action's transaction")
    if not events:
        return
    last, prev_hash = _advance_head(len(events))
    # Timed under the head's lock, as `record` times its event: an event's time never
    # comes before that of one numbered ahead of it in another transaction.
    now = timezone.now()
    newest = {Mark.NONE: 0, Mark.ADDITION: 0, Mark.CHANGE: 0}
    for seq, event in enumerate(events, start=last - len(events) + 1):
        event.seq, event.prev_hash, event.created_at = seq, prev_hash, now
        seal(event)
        prev_hash = event.hash
        newest[_mark(event)] = seq
    _write_head(prev_hash, marked=newest[Mark.CHANGE], added=newest[Mark.ADDITION])


def _mark(event: AuditEvent) -> Mark:
    """The strongest of the on_record functions' marks (every function asked)."""
    return max([marks(event) for marks in on_record], default=Mark.NONE)


def _write_head(head_hash: str, *, marked: int, added: int) -> None:
    """The head's new hash and, in the same statement, the newest changing and adding
    events' numbers where they are given (0: unchanged)."""
    execute(_WRITE_HEAD, [head_hash, marked, marked, added, added])


_WRITE_HEAD = (
    "UPDATE audit_chainhead SET hash = %s, "
    "marked_seq = CASE WHEN %s > 0 THEN %s ELSE marked_seq END, "
    "added_seq = CASE WHEN %s > 0 THEN %s ELSE added_seq END WHERE id = 1"
)


def _insert_with_head(event: AuditEvent, *, marked: int, added: int) -> None:
    """`insert(event)` and `_write_head` in one statement (PostgreSQL: an INSERT in a
    WITH query), one round trip less while the head is locked."""
    sql, values = insert_statement(event)
    event.pk = execute(
        f"WITH event AS ({sql}) {_WRITE_HEAD} RETURNING (SELECT id FROM event)",  # noqa: S608 (no input in the SQL)
        [*values, event.hash, marked, marked, added, added],
    ).fetchone()[0]
    event._state.adding = False
    event._state.db = DEFAULT_DB_ALIAS


def _advance_head(count: int = 1) -> tuple[int, str]:
    """Take the next `count` sequence numbers and the previous event's hash in one
    statement; returns the last number taken. The UPDATE locks the head row until the
    transaction ends (PostgreSQL's row lock; on SQLite the write lock BEGIN IMMEDIATE
    already holds), so concurrent writers queue here and the chain cannot fork. Plain
    SQL: this runs in every action."""
    for _attempt in range(2):
        found = execute(
            "UPDATE audit_chainhead SET seq = seq + %s WHERE id = 1 RETURNING seq, hash", [count]
        ).fetchone()
        if found is not None:
            return int(found[0]), str(found[1])
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
    raise RuntimeError("the audit chain head row cannot be created")


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{full_name} ({actor.username})" if full_name else str(actor.username)


def _keeps_address(actor: Any, obj: models.Model | None) -> bool:
    """Whether the event keeps the address the request came from. Anyone may ask for
    public documents without saying who they are (TF 2 kap. 18 §), so what is written
    for someone not signed in (a request from the public form, an e-service, a download
    link: the actor is the system) keeps no trace of them. A signed-in user's events
    keep it, and so does an attempt to sign in to an account (its object is the user),
    which guards the staff's accounts."""
    if actor is not None and getattr(actor, "pk", None):
        return True
    return obj is not None and obj._meta.label_lower == settings.AUTH_USER_MODEL.lower()


def _client_ip(value: str | None) -> str | None:
    """The address in the form the database gives back (PostgreSQL's inet and Django's
    GenericIPAddressField both normalise IPv6), or None when it is not an address at
    all (an empty REMOTE_ADDR behind a Unix socket): otherwise the hash computed now
    would not match the stored row, or PostgreSQL would refuse the insert."""
    try:
        address = ipaddress.ip_address((value or "").split("%")[0].strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return clean_ipv6_address(str(address))
    return str(address)


def _number(text: str) -> float | int:
    """A JSON number as PostgreSQL's jsonb gives it back: jsonb keeps exact decimals and
    prints them without exponent, so 1e+16 comes back as the integer 10000000000000000
    and -0.0 as 0.0. SQLite keeps the text, which this form round-trips too."""
    value = float(text)
    if value == 0:
        return 0.0
    if "e" in text.lower() and value.is_integer():
        return int(Decimal(text))
    return value


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values as JSON gives them back, so the hash computed now matches the one
    recomputed from the database later."""
    if values is None:
        return None
    encoded = json.dumps(values, default=str, sort_keys=True)
    plain: dict[str, Any] = json.loads(encoded, parse_float=_number)
    return plain


_NOT_THE_HEAD = "händelsen är inte den som kedjans huvud anger"


@dataclass
class Verification:
    """The outcome of `verify`: how many events were found sound and, if the chain
    is broken, the sequence number of the first broken or missing event and why
    (in Swedish, for the operator)."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""
    forgotten: int = 0  # events whose details have been removed (the chain still holds)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify() -> Verification:
    """Walk the chain from the first event: every event must follow the previous one
    (seq + 1), carry its hash as prev_hash and hash to its stored hash.

    The chain head is read before and after the walk, so that events committed while
    verifying are not taken for tampering: every event the head named at the start
    must be there (else the tail was deleted), and no event may lie beyond the head as
    read at the end (events and head are updated in the same transaction)."""
    start_seq, start_hash = _head()
    prev_hash, expected_seq, checked, forgotten = GENESIS, 1, 0, 0
    for event in _events():
        if event.seq != expected_seq:
            return Verification(
                checked,
                expected_seq,
                f"händelsen saknas (nästa bevarade händelse är {event.seq})",
            )
        if event.prev_hash != prev_hash:
            return Verification(
                checked, event.seq, "händelsen följer inte på den föregående händelsen"
            )
        if chain_hash(prev_hash, event) != event.hash:
            return Verification(
                checked, event.seq, "innehållet stämmer inte med händelsens kontrollsumma"
            )
        if event.seq == start_seq and event.hash != start_hash:
            return Verification(checked, event.seq, _NOT_THE_HEAD)
        unsealed = _unsealed(event)
        if unsealed:
            return Verification(checked, event.seq, unsealed)
        forgotten += not event.details_salt
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if checked < start_seq:
        return Verification(
            checked,
            checked + 1,
            f"händelsen saknas (kedjans huvud anger {start_seq} händelser)",
        )
    end_seq, end_hash = _head()
    if checked > end_seq:
        return Verification(
            end_seq,
            end_seq + 1,
            f"händelsen ligger efter kedjans huvud, som anger {end_seq} händelser",
        )
    if checked == end_seq and prev_hash != end_hash:
        return Verification(checked - 1, checked, _NOT_THE_HEAD)
    return Verification(checked, forgotten=forgotten)


def _unsealed(event: AuditEvent) -> str:
    """Why the event's details or address do not match their digests, or "". Forgotten
    details (no salt) must be empty: values without a salt were put there afterwards."""
    if event.details_salt:
        if details_digest(event.details_salt, event) != event.details_digest:
            return "uppgifterna stämmer inte med sin kontrollsumma"
    elif (
        event.actor_label
        or event.object_label
        or event.before is not None
        or (event.after is not None)
    ):
        return "uppgifterna har lagts till efter att de glömts"
    if event.address_salt:
        if not event.client_ip or address_digest(event.address_salt, event.client_ip) != (
            event.address_digest
        ):
            return "adressen stämmer inte med sin kontrollsumma"
    elif event.client_ip:
        return "adressen har lagts till efter att den glömts"
    return ""


def latest_seq() -> int:
    """The newest event's number (0 for an empty chain): it grows with every change."""
    return _head()[0]


def latest_marks() -> tuple[int, int]:
    """The newest changing and the newest adding event's numbers (see `on_record`; 0
    before any). One plain statement: it is read on every answer from the public
    pages' cache."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT marked_seq, added_seq FROM audit_chainhead WHERE id = 1")
        found = cursor.fetchone()
    return (int(found[0]), int(found[1])) if found is not None else (0, 0)


def _head() -> tuple[int, str]:
    head = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return head if head is not None else (0, GENESIS)


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
