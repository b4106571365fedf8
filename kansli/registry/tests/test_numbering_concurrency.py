"""Many registrars at once: case numbers stay unique and without gaps, on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from kansli.audit.chain import verify
from kansli.audit.tests.test_cli import kansli
from kansli.org.models import Authority
from kansli.org.testing import make_authority
from kansli.registry.actions import do_register_case
from kansli.registry.models import Case
from kansli.web.testing_installation import copy_migrated_sqlite

THREADS, EACH = 8, 25


def register_from_threads(code: str) -> list[BaseException]:
    authority = Authority.objects.get(code=code)
    start, errors = threading.Barrier(THREADS), []

    def registrar(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                do_register_case(authority, f"Ärende {n}-{i}", actor=None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=registrar, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite test runs processes")
def test_concurrent_registrations_on_postgresql(transactional_db: None) -> None:
    make_authority("KS")
    assert register_from_threads("KS") == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
    assert verify().ok


SETUP = """
from kansli.org.models import Authority
from kansli.org.testing import make_authority
make_authority("KS")
"""
REGISTER = """
from kansli.org.models import Authority
from kansli.registry.actions import do_register_case
ks = Authority.objects.get(code="KS")
for i in range({each}):
    do_register_case(ks, f"Ärende {{i}}", actor=None)
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL test runs threads")
def test_concurrent_registrations_on_sqlite(tmp_path: Path) -> None:
    """Four processes registering at once on a database file with the installation's
    settings (WAL, BEGIN IMMEDIATE)."""
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path)}
    env.pop("KANSLI_DATABASE_URL", None)
    copy_migrated_sqlite(tmp_path)  # as `kansli migrate` leaves it
    assert kansli("shell", "-v0", "-c", SETUP, env=env).returncode == 0
    script = Path(sys.executable).with_name("kansli")
    processes = [
        subprocess.Popen(
            [str(script), "shell", "-v0", "-c", REGISTER.format(each=EACH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    check = kansli(
        "shell", "-v0", "-c",
        "from kansli.registry.models import Case; from kansli.audit.chain import verify;"
        "print(sorted(Case.objects.values_list('number', flat=True)), verify().ok)",
        env=env,
    )  # fmt: skip
    assert check.stdout.strip() == f"{list(range(1, 4 * EACH + 1))} True", check.stderr
