"""How fast audit events are written, one event per transaction: through a real action,
through `record()` alone, and as raw INSERTs of the same rows (the limit); and how
fast `verify()` reads them back.

    .venv/bin/python bench/audit.py [--events N] [--keep]

Runs on a temporary SQLite database, or on KANSLI_DATABASE_URL if set (see common.py).
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from typing import Any

from common import rate, row, setup


def main() -> None:
    parser = argparse.ArgumentParser(description="Audit log write and verify rates.")
    parser.add_argument("--events", type=int, default=5000, help="events per measurement")
    parser.add_argument(
        "--verify-events", type=int, default=1_000_000, help="chain length verify() walks"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    options = parser.parse_args()
    where = setup(keep=options.keep)

    print(f"Audit log: {options.events} events per measurement, one per transaction")
    print(f"  {where.database}")
    user, admin = people()
    action = measure(
        "action do_change_user (change + event)",
        options.events,
        lambda n: change_user(user, admin, n),
    )
    alone = measure("record() in transaction.atomic()", options.events, recorder(user, admin))
    inserter = RawInserter(user, admin)
    raw = measure("raw INSERT through the DB-API cursor", options.events, inserter)
    inserter.finish()
    print(f"  action / raw: {action / raw:.2f}   record() / raw: {alone / raw:.2f}")
    timed_verify()
    grow_chain(options.verify_events, user, admin)
    timed_verify()
    if options.keep:
        print(f"  data kept in {where.data_dir}")


def measure(label: str, count: int, run: Callable[[int], None]) -> float:
    """Events per second of `run`, after a short warm-up (connection, caches)."""
    for n in range(min(50, count)):
        run(-1 - n)
    _seconds, per_second = rate(count, run)
    row(label, f"{per_second:,.0f} events/s")
    return per_second


def timed_verify() -> None:
    """verify() over the whole chain, against reading the same rows as model objects."""
    from kansli.audit.chain import verify
    from kansli.audit.models import AuditEvent

    started = time.perf_counter()
    result = verify()
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"verify() failed at {result.broken_seq}: {result.reason}")
    started = time.perf_counter()
    read = sum(1 for _event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000))
    reading = time.perf_counter() - started
    row(
        f"verify() of all {result.checked:,} events",
        f"{result.checked / seconds:,.0f} events/s (reading them alone {read / reading:,.0f}"
        f"/s, ratio {seconds / reading:.2f})",
    )


def grow_chain(total: int, user: Any, admin: Any) -> None:
    """Append sealed events in bulk until the chain is `total` long (no actions: only
    the length matters to verify)."""
    from django.db import transaction
    from django.utils import timezone

    from kansli.audit.chain import _actor_label, seal
    from kansli.audit.models import AuditEvent, ChainHead

    head = ChainHead.objects.get(pk=1)
    seq, last, label = head.seq, head.hash, _actor_label(admin)
    while seq < total:
        batch = []
        for _n in range(min(5000, total - seq)):
            seq += 1
            event = AuditEvent(
                seq=seq, created_at=timezone.now(), actor=admin, actor_label=label,
                action="org.change_user", object_type="org.user", object_id=str(user.pk),
                object_label=str(user), prev_hash=last, client_ip="192.0.2.7", **values(seq),
            )  # fmt: skip
            seal(event)
            last = event.hash
            batch.append(event)
        with transaction.atomic():
            AuditEvent.objects.bulk_create(batch)
            ChainHead.objects.filter(pk=1).update(seq=seq, hash=last)


def people() -> tuple[Any, Any]:
    """A person to change, and the system administrator who changes them."""
    from kansli.org import actions
    from kansli.org.models import Role

    run = uuid.uuid4().hex[:8]  # a database given by KANSLI_DATABASE_URL may be reused
    admin = actions.do_create_user(f"bench-admin-{run}", first_name="Bänk", actor=None)
    actions.do_grant_role(admin, Role.SYSADMIN, actor=None)
    user = actions.do_create_user(f"bench-{run}", first_name="Berit", last_name="Bänk", actor=None)
    return user, admin


def change_user(user: Any, admin: Any, n: int) -> None:
    """One action: permission check, the change, its audit event, one transaction."""
    from kansli.org import actions

    actions.do_change_user(user, actor=admin, title=f"Handläggare {n}")


def recorder(user: Any, admin: Any) -> Callable[[int], None]:
    """What the action writes to the audit log, without the action."""
    from django.db import transaction

    from kansli.audit.chain import record

    def run(n: int) -> None:
        with transaction.atomic():
            record(actor=admin, action="org.change_user", obj=user, **values(n))

    return run


class RawInserter:
    """The same rows, hashed the same way, each INSERTed in a transaction of its own
    straight through the driver's cursor: no ORM, no chain head to lock and update
    (`finish` sets the head once, so that verify() still finds the chain whole)."""

    def __init__(self, user: Any, admin: Any) -> None:
        from django.db import connection

        from kansli.audit.chain import _actor_label
        from kansli.audit.models import AuditEvent, ChainHead

        self.connection, self.user, self.admin = connection, user, admin
        self.admin_label = _actor_label(admin)
        self.fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
        mark = "?" if connection.vendor == "sqlite" else "%s"
        self.insert = "INSERT INTO audit_auditevent ({}) VALUES ({})".format(
            ", ".join(connection.ops.quote_name(field.column) for field in self.fields),
            ", ".join(mark for _field in self.fields),
        )
        self.begin = "BEGIN IMMEDIATE" if connection.vendor == "sqlite" else "BEGIN"
        head = ChainHead.objects.get(pk=1)
        self.seq, self.hash = head.seq, head.hash
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()  # the driver's own; autocommit

    def __call__(self, n: int) -> None:
        from django.utils import timezone

        from kansli.audit.chain import seal
        from kansli.audit.models import AuditEvent

        event = AuditEvent(
            seq=self.seq + 1,
            created_at=timezone.now(),
            actor=self.admin,
            actor_label=self.admin_label,
            action="org.change_user",
            object_type=self.user._meta.label_lower,
            object_id=str(self.user.pk),
            object_label=str(self.user),
            prev_hash=self.hash,
            **values(n),
        )
        seal(event)
        params = [
            field.get_db_prep_save(getattr(event, field.attname), self.connection)
            for field in self.fields
        ]
        self.cursor.execute(self.begin)
        self.cursor.execute(self.insert, params)
        self.cursor.execute("COMMIT")
        self.seq, self.hash = event.seq, event.hash

    def finish(self) -> None:
        from kansli.audit.models import ChainHead

        ChainHead.objects.filter(pk=1).update(seq=self.seq, hash=self.hash)


def values(n: int) -> dict[str, Any]:
    return {"before": {"title": f"Handläggare {n - 1}"}, "after": {"title": f"Handläggare {n}"}}


if __name__ == "__main__":
    main()
