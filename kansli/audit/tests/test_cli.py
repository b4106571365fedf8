"""`kansli audit verify` as a separate process, as cron or an operator runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from kansli.audit import triggers
from kansli.audit.tests.conftest import append_events, on_postgresql
from kansli.web.testing_installation import copy_migrated_sqlite

APPEND_THREE = """
from django.db import transaction
from kansli.audit.chain import record
for n in range(3):
    with transaction.atomic():
        record(actor=None, action="test.cli", after={"n": n})
"""


def kansli(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("kansli")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kansli"]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers it")
def test_verify_on_a_migrated_sqlite_database(tmp_path: Path) -> None:
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path)}
    env.pop("KANSLI_DATABASE_URL", None)
    copy_migrated_sqlite(tmp_path)  # as `kansli migrate` leaves it
    assert kansli("shell", "-v0", "-c", APPEND_THREE, env=env).returncode == 0

    whole = kansli("audit", "verify", env=env)
    assert (whole.returncode, whole.stdout.strip()) == (
        0,
        "Granskningskedjan är hel: 3 händelser kontrollerade.",
    )

    with closing(sqlite3.connect(tmp_path / "kansli.sqlite3")) as db, db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit_auditevent SET action = 'test.forged' WHERE seq = 2")
        db.execute("DROP TRIGGER audit_auditevent_no_update")
        db.execute("UPDATE audit_auditevent SET action = 'test.forged' WHERE seq = 2")

    broken = kansli("audit", "verify", env=env)
    assert broken.returncode == 1
    assert broken.stderr.strip() == (
        "Granskningskedjan är bruten vid händelse 2: "
        "innehållet stämmer inte med händelsens kontrollsumma."
    )


@on_postgresql
@pytest.mark.postgres
def test_verify_on_postgresql(transactional_db: None) -> None:
    """Against the test database, which a transactional test really commits to."""
    settings = connection.settings_dict
    url = "postgresql://{}:{}@{}:{}/{}".format(
        quote(settings["USER"] or "", safe=""),
        quote(settings["PASSWORD"] or "", safe=""),
        settings["HOST"] or "localhost",
        settings["PORT"] or 5432,
        settings["NAME"],
    )
    env = {**os.environ, "KANSLI_DATABASE_URL": url}
    append_events(4)

    whole = kansli("audit", "verify", env=env)
    assert (whole.returncode, whole.stdout.strip()) == (
        0,
        "Granskningskedjan är hel: 4 händelser kontrollerade.",
    )

    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 2")
    triggers.install(connection)

    broken = kansli("audit", "verify", env=env)
    assert broken.returncode == 1
    assert broken.stderr.strip() == (
        "Granskningskedjan är bruten vid händelse 2: "
        "händelsen saknas (nästa bevarade händelse är 3)."
    )
