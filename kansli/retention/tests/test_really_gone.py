"""Issue 16's "really gone": after a disposal run and an erasure decision, the removed
strings are found nowhere in the raw bytes of the SQLite database file, its WAL, the
full-text index (in the same file), the file store or what the commands and the logs
printed, and `kansli audit verify` still passes; anonymous requests to the public pages
and for documents leave their address and browser nowhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

MARKERS = ["Qxmarkörsson", "MARKÖRQX1", "QXFILMARKÖR", "Erasedqxperson"]
# The address and browser of anonymous requests to the public pages and for documents:
# never written anywhere.
ANONYMOUS = ["198.51.100.213", "QxWebbläsare/9.1"]


def raw_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_disposed_and_erased_strings_are_gone_from_every_byte(tmp_path: Path) -> None:
    environment = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path),
                   "KANSLI_ALLOWED_HOSTS": "testserver", "KANSLI_LOG_LEVEL": "INFO"}  # fmt: skip
    environment.pop("KANSLI_DATABASE_URL", None)  # this test reads SQLite's own files
    seed = Path(__file__).with_name("really_gone_seed.py")

    done = subprocess.run(
        [sys.executable, str(seed), *MARKERS, *ANONYMOUS], env=environment, capture_output=True,
        timeout=600, check=False,
    )  # fmt: skip

    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed.decode(errors="replace")
    assert "Granskningskedjan är hel" in done.stdout.decode()
    files = raw_files(tmp_path)
    assert any(path.name == "kansli.sqlite3" for path in files)
    found = {
        (marker, str(path.relative_to(tmp_path)))
        for path in files
        for marker in [*MARKERS, *ANONYMOUS]
        for encoded in {marker.encode(), marker.casefold().encode()}
        if encoded in path.read_bytes()
    }
    assert found == set()
    assert not any(marker.encode() in printed for marker in [*MARKERS, *ANONYMOUS])


def postgresql_data_directory() -> Path | None:
    """The cluster's data directory, when this process may read it (CI runs as root)."""
    done = subprocess.run(
        ["su", "postgres", "-c", "psql -qtAc 'SHOW data_directory'"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    found = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    return found if found is not None and os.access(found, os.R_OK) else None


@pytest.mark.django_db(transaction=True)  # the run's VACUUM FULL runs outside a transaction
def test_on_postgresql_no_table_or_index_keeps_them_after_the_vacuum() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite files are searched above")
    data = postgresql_data_directory()
    if data is None:
        pytest.skip("the PostgreSQL data directory cannot be read by this user")
    from kansli.retention.tests.really_gone_seed import act

    act(MARKERS, *ANONYMOUS)
    # Pages still only in shared buffers would not be on disk yet: write them out.
    subprocess.run(["su", "postgres", "-c", "psql -qc CHECKPOINT"], check=True, timeout=120)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 't', 'm') AND n.nspname NOT IN "
            "('pg_catalog', 'information_schema') AND pg_relation_filepath(c.oid) IS NOT NULL"
        )
        relations = cursor.fetchall()
    found = set()
    for name, path in relations:
        for part in sorted((data / path).parent.glob(Path(path).name + "*")):
            content = part.read_bytes()
            found |= {
                (marker, name) for marker in MARKERS + ANONYMOUS if marker.encode() in content
            }
    assert len(relations) > 100  # every table and index of the database was read
    assert found == set()
