"""Many writers at once: the chain head lock makes them queue, so the chain neither
forks nor skips a number."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from kansli.audit.chain import record, verify
from kansli.audit.models import AuditEvent
from kansli.audit.tests.test_cli import kansli
from kansli.web.testing_installation import copy_migrated_sqlite

THREADS, EACH = 8, 50


def append_from_threads() -> list[BaseException]:
    """THREADS threads, each appending EACH events in transactions of its own on its
    own connection; returns what they raised."""
    start, errors = threading.Barrier(THREADS), []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                with transaction.atomic():
                    record(actor=None, action="test.concurrent", after={"t": number, "n": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def assert_one_unbroken_chain() -> None:
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two events follow the same one
    per_thread = AuditEvent.objects.filter(after__t=0).count()
    assert per_thread == EACH
    result = verify()
    assert result.ok, result.reason
    assert result.checked == THREADS * EACH


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the row lock on the chain head is PostgreSQL's (UPDATE ... RETURNING)",
)
def test_concurrent_writers_on_postgresql(transactional_db: None) -> None:
    assert append_from_threads() == []
    assert_one_unbroken_chain()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers it")
def test_concurrent_writers_on_sqlite(tmp_path: Path) -> None:
    """On a database file with the installation's settings (WAL, BEGIN IMMEDIATE):
    IMMEDIATE takes the write lock when each transaction starts, so the writers wait
    for one another (busy_timeout) before they read the head. Run in a process of its
    own because the in-memory test database's shared cache locks tables instead of
    waiting."""
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path)}
    env.pop("KANSLI_DATABASE_URL", None)
    copy_migrated_sqlite(tmp_path)  # as `kansli migrate` leaves it

    done = kansli("shell", "-v0", "-c", IN_A_PROCESS, env=env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


IN_A_PROCESS = """
from kansli.audit.tests.test_concurrency import append_from_threads, assert_one_unbroken_chain
errors = append_from_threads()
assert errors == [], errors
assert_one_unbroken_chain()
print("ok")
"""
