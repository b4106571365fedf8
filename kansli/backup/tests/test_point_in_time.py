"""Issue 18's point-in-time recovery on PostgreSQL, done as the README's "Point-in-time
recovery" section says, with pgBackRest from Debian's packages: a PostgreSQL cluster of
the test's own (initdb on 127.0.0.1, run as the user postgres) archives its write-ahead
log with `pgbackrest archive-push`, into an encrypted repository as the README's
configuration has it. A full backup is taken while writers register documents; then a
document is registered, the moment noted, and a "mistake" registered after it. The
cluster is stopped and restored to that moment with the README's own restore command:
what the writers and the first document wrote is back, the mistake is not, and
`kansli audit verify` finds the audit chain whole. The files stay in the data directory
(files are never changed), as the README says: a later set of files is a superset."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import PIPE, Popen, run

import pytest

from kansli.backup.testing import SETUP, WRITER
from kansli.subprocesses import free_port
from kansli.web.testing_installation import Installation

KANSLI = str(Path(sys.executable).with_name("kansli"))
WRITERS = 4
REGISTER = """
from kansli.registry.actions import do_register_document
from kansli.registry.models import Case
case = Case.objects.get(pk={case})
print(do_register_document(case, "inkommen", case.opened_at.date(), {title!r},
                           counterpart="Anna Andersson", actor=None).pk)
"""

pytestmark = pytest.mark.skipif(
    not os.environ.get("KANSLI_DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL run covers it",
)


def postgresql_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    if not found:
        pytest.fail("PostgreSQL's initdb is missing: install postgresql")
    if shutil.which("pgbackrest") is None:
        pytest.fail("pgbackrest is missing: apt-get install pgbackrest")
    return found[-1].parent


def as_postgres(*command: str, timeout: float = 120) -> str:
    """Run a command as the user postgres (PostgreSQL and pgBackRest refuse root)."""
    done = run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True,
               timeout=timeout, check=False)  # fmt: skip
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout


class Cluster:
    """A PostgreSQL cluster of the test's own, its WAL archived by pgBackRest."""

    def __init__(self, root: Path) -> None:
        self.bin = postgresql_bin()
        self.root, self.data, self.port = root, root / "data", free_port()
        self.config = root / "pgbackrest.conf"

    def start(self) -> None:
        as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                    str(self.root / "postgresql.log"), "-w", "-t", "120", "start")  # fmt: skip

    def stop(self) -> None:
        as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, query: str) -> str:
        return as_postgres(str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                           "-U", "kansli", "-d", "kansli", "-qtAc", query).strip()  # fmt: skip

    def backrest(self, *args: str) -> str:
        return as_postgres("pgbackrest", f"--config={self.config}", "--stanza=kansli", *args,
                           timeout=300)  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql://kansli@127.0.0.1:{self.port}/kansli"


@contextmanager
def cluster() -> Iterator[Cluster]:
    """initdb, the README's pgBackRest configuration (with the test's own paths) and
    archive settings, started on 127.0.0.1; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="kansli-pitr-"))
    shutil.chown(root, "postgres", "postgres")
    own = Cluster(root)
    as_postgres(str(own.bin / "initdb"), "-D", str(own.data), "-U", "kansli", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
    archive = f"pgbackrest --config={own.config} --stanza=kansli archive-push %p"
    with (own.data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"listen_addresses = '127.0.0.1'\nport = {own.port}\n"
            f"unix_socket_directories = '{root}'\n"
            f"wal_level = replica\narchive_mode = on\narchive_command = '{archive}'\n"
        )
    own.config.write_text(
        "[global]\n"
        f"repo1-path={root / 'repo'}\nrepo1-retention-full=4\n"
        f"repo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass={secrets.token_urlsafe(32)}\n"
        f"log-path={root / 'log'}\nlock-path={root / 'lock'}\nstart-fast=y\n"
        f"\n[kansli]\npg1-path={own.data}\npg1-port={own.port}\npg1-socket-path={root}\n"
        "pg1-user=kansli\n"
    )
    shutil.chown(own.config, "postgres", "postgres")
    try:
        own.start()
        as_postgres(str(own.bin / "createdb"), "-h", "127.0.0.1", "-p", str(own.port),
                    "-U", "kansli", "kansli")  # fmt: skip
        yield own
    finally:
        run(["runuser", "-u", "postgres", "--", str(own.bin / "pg_ctl"), "-D", str(own.data),
             "-m", "immediate", "stop"], capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def kansli(place: Installation, *args: str) -> str:
    done = run([KANSLI, *args], env=place.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_pgbackrest_restores_the_database_to_the_moment_before_a_mistake(
    tmp_path: Path,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("runs the cluster as the user postgres, which needs root (CI runs as root)")
    with cluster() as db:
        env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path / "data"), "KANSLI_DEBUG": "false",
               "KANSLI_SECRET_KEY": "", "KANSLI_DATABASE_URL": db.url}  # fmt: skip
        here = Installation(env, lambda: None, lambda: None)  # its own server, migrated here:
        kansli(here, "migrate", "-v0")
        case = last_line(kansli(here, "shell", "-v0", "-c", SETUP))
        # The README's order: stanza-create, check, then the full backup, taken while
        # registrars go on writing.
        db.backrest("stanza-create")
        db.backrest("check")
        stop = tmp_path / "stoppa"
        writers = [
            Popen([sys.executable, "-c", WRITER, case, str(stop)], env=env, stdout=PIPE,
                  stderr=PIPE, text=True)
            for _ in range(WRITERS)
        ]  # fmt: skip
        try:
            db.backrest("--type=full", "backup")
        finally:
            stop.touch()
            outputs = [writer.communicate(timeout=120) for writer in writers]
        assert all(w.returncode == 0 for w in writers), [err for _out, err in outputs]
        registered = sum(int(last_line(out)) for out, _err in outputs)

        kept = last_line(kansli(here, "shell", "-v0", "-c",
                                REGISTER.format(case=case, title="Rätt skrivelse")))  # fmt: skip
        time.sleep(1)
        moment = db.sql("SET TIME ZONE 'UTC'; SELECT now()::text")
        time.sleep(1)
        mistake = last_line(kansli(here, "shell", "-v0", "-c",
                                   REGISTER.format(case=case, title="Fel skrivelse")))  # fmt: skip
        assert db.sql("SELECT count(*) FROM registry_document") == str(registered + 2)
        db.backrest("check")  # switches the WAL segment and waits until it is archived

        db.stop()
        db.backrest("--delta", "--type=time", f"--target={moment}", "--target-action=promote",
                    "restore")  # fmt: skip
        db.start()
        ends = time.monotonic() + 120
        while db.sql("SELECT pg_is_in_recovery()") != "f" and time.monotonic() < ends:
            time.sleep(0.3)

        ids = set(db.sql("SELECT id FROM registry_document").split())
        assert kept in ids and mistake not in ids
        assert len(ids) == registered + 1
        assert "Granskningskedjan är hel" in kansli(here, "audit", "verify")
