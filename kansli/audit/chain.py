"""Appending to and verifying the hash chain of audit events."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kansli.audit.context import current
from kansli.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64


def canonical(event: AuditEvent) -> bytes:
    """The event's content as bytes that do not depend on the database: sorted keys,
    UTC time with microseconds, no insignificant white space."""
    created = event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    content = {
        "seq": event.seq,
        "created_at": created,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


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
    for the system itself (commands, the worker)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events are written inside the action's transaction")
    context = current.get()
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label if label is not None else str(obj) if obj is not None else "")[:500],
        before=_plain(before),
        after=_plain(after),
        request_id=context.request_id,
        client_ip=context.client_ip,
        prev_hash=head.hash,
    )
    event.hash = chain_hash(head.hash, event)
    event.save(force_insert=True)
    ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return f"{full_name} ({actor.username})" if full_name else str(actor.username)


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values as JSON gives them back, so the hash computed now matches the one
    recomputed from the database later."""
    if values is None:
        return None
    return json.loads(json.dumps(values, default=str, sort_keys=True))


@dataclass
class Verification:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify() -> Verification:
    """Walk the chain from the first event: every event must follow the previous one
    (seq + 1), carry its hash as prev_hash and hash to its stored hash, and the last
    must be the one the chain head names."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in _events():
        if event.seq != expected_seq:
            return Verification(checked, event.seq, f"expected event {expected_seq} here")
        if event.prev_hash != prev_hash:
            return Verification(checked, event.seq, "does not follow the previous event")
        if chain_hash(prev_hash, event) != event.hash:
            return Verification(checked, event.seq, "content does not match its hash")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (checked, prev_hash):
        return Verification(checked, checked + 1, f"events after {checked} are missing")
    return Verification(checked)


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
