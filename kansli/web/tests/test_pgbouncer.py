"""Issue 18: Kansli behind PgBouncer in transaction mode (KANSLI_PGBOUNCER=1). Writer
processes register cases and documents through the registry's actions while a reader
searches and verifies the audit chain, all through a pool of two server connections
that they take turns on, transaction by transaction. Afterwards the case and document
numbers run without gaps or duplicates, the chain is whole and the search finds every
document.

The installation is migrated directly on PostgreSQL, as the README says to: migrations
and backups do not go through the pooler."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from subprocess import PIPE, Popen, run

import pytest

from kansli.web.testing_installation import Installation, installation
from kansli.web.testing_pgbouncer import running_pgbouncer

pytestmark = pytest.mark.skipif(
    not os.environ.get("KANSLI_DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="PgBouncer stands in front of PostgreSQL (KANSLI_DATABASE_URL)",
)

WRITERS = 6
DOCUMENTS = 20  # each writer's
POOL_SIZE = 2
KANSLI = str(Path(sys.executable).with_name("kansli"))
PROLOGUE = """
import json, os, sys
from pathlib import Path
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
"""
SETUP = """
from kansli.org.testing import make_authority
from kansli.registry.testing import make_case, make_registrar
ks = make_authority("KS")
make_registrar(ks, "registrator")
print(json.dumps([make_case(f"Ärende {n}", authority=ks).pk for n in range(3)]))
"""
WRITER = """
from django.utils import timezone
from kansli.registry.actions import do_register_case, do_register_document
from kansli.registry.models import Case
cases = list(Case.objects.filter(pk__in=json.loads(sys.argv[1])).order_by("pk"))
for n in range(int(sys.argv[2])):
    case = cases[n % len(cases)]
    do_register_document(
        case, "inkommen", timezone.localdate(), f"Skrivelse {os.getpid()}-{n}",
        counterpart="Anna Andersson", actor=None,
    )
    if n % 5 == 0:
        do_register_case(case.authority, f"Ärende {os.getpid()}-{n}", actor=None)
"""
READER = """
from django.db import connection, transaction
from kansli.audit.chain import verify
from kansli.org.models import User
from kansli.search.query import search
user = User.objects.get(username="registrator")
rounds, stop = 0, Path(sys.argv[1])
while not stop.exists() or rounds == 0:
    found = search(user, "skrivelse", limit=10)
    checked = verify()
    assert checked.ok, checked
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"
    rounds += 1
print(rounds)
"""
CHECK = """
from kansli.audit.chain import verify
from kansli.org.models import User
from kansli.registry.models import Case, Document
from kansli.search.query import search
user = User.objects.get(username="registrator")
checked = verify()
print(json.dumps({
    "chain": [checked.ok, checked.checked],
    "cases": list(Case.objects.order_by("number").values_list("number", flat=True)),
    "documents": {
        case: list(Document.objects.filter(case=case).order_by("number")
                   .values_list("number", flat=True))
        for case in Case.objects.values_list("pk", flat=True)
    },
    "found": search(user, "skrivelse", limit=500, count_cap=1000).count,
}))
"""


def python(env: dict[str, str], script: str, *args: str) -> str:
    done = run([sys.executable, "-c", PROLOGUE + script, *args], env=env, capture_output=True,
               text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_writers_and_a_reader_share_two_server_connections_in_transaction_mode(
    tmp_path: Path,
) -> None:
    with installation(tmp_path / "kansli") as place:
        assert run([KANSLI, "migrate", "-v0"], env=place.env, timeout=300).returncode == 0
        cases = python(place.env, SETUP)
        direct = place.env["KANSLI_DATABASE_URL"]
        with running_pgbouncer(direct, pool_size=POOL_SIZE) as bouncer:
            pooled = {**place.env, "KANSLI_PGBOUNCER": "1",
                      "KANSLI_DATABASE_URL": bouncer.url(direct.rsplit("/", 1)[1])}  # fmt: skip
            stop = tmp_path / "stoppa"
            reader = Popen([sys.executable, "-c", PROLOGUE + READER, str(stop)], env=pooled,
                           stdout=PIPE, stderr=PIPE, text=True)  # fmt: skip
            writers = [
                Popen([sys.executable, "-c", PROLOGUE + WRITER, cases, str(DOCUMENTS)],
                      env=pooled, stdout=PIPE, stderr=PIPE, text=True)
                for _ in range(WRITERS)
            ]  # fmt: skip
            written = [writer.communicate(timeout=300) for writer in writers]
            stop.touch()
            read = reader.communicate(timeout=300)
            assert all(w.returncode == 0 for w in writers), [err for _out, err in written]
            assert reader.returncode == 0, read[1]
            assert int(read[0].strip().splitlines()[-1]) >= 1
            # Everyone came through the pool: PostgreSQL saw no more server connections.
            assert 1 <= _backends(place) <= POOL_SIZE, bouncer.log()[-2000:]
            found = json.loads(python(pooled, CHECK))
            verified = run([KANSLI, "audit", "verify"], env=pooled, capture_output=True,
                           text=True, timeout=300)  # fmt: skip

    assert "Granskningskedjan är hel" in verified.stdout, verified.stdout + verified.stderr
    assert found["chain"][0] is True
    # The three cases of the setup, one more per writer every fifth document.
    cases_made = 3 + WRITERS * len(range(0, DOCUMENTS, 5))
    assert found["cases"] == list(range(1, cases_made + 1))
    numbers = found["documents"].values()
    assert all(listed == list(range(1, len(listed) + 1)) for listed in numbers)
    assert sum(len(listed) for listed in numbers) == WRITERS * DOCUMENTS
    assert found["found"] == WRITERS * DOCUMENTS


def _backends(place: Installation) -> int:
    """The server connections to the installation's database, besides this one."""
    return place.count(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_type = 'client backend' "
        "AND pid <> pg_backend_pid()"
    )
