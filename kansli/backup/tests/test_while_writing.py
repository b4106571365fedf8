"""Issue 18's backup "done when": `kansli backup` taken while 16 writers register
documents, restored with `kansli restore` into a new installation (a new data directory
and, on PostgreSQL, a new database), then checked there: `kansli audit verify` passes,
every document has its file with the right SHA-256, and what came back is exactly what
the backup's moment held (the writers went on after it)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from subprocess import PIPE, Popen, run

from kansli.backup.testing import SETUP, WRITER
from kansli.web.testing_installation import Installation, installation

WRITERS = 16
KANSLI = str(Path(sys.executable).with_name("kansli"))
CHECK = """
import hashlib, json
from django.core.files.storage import default_storage
from kansli.registry.models import Document
bad = []
documents = Document.objects.prefetch_related("files__stored")
for document in documents:
    files = list(document.files.all())
    if len(files) != 1:
        bad.append(f"{document.pk}: {len(files)} files")
        continue
    stored = files[0].stored
    with default_storage.open(stored.storage_name) as handle:
        if hashlib.sha256(handle.read()).hexdigest() != stored.sha256:
            bad.append(f"{document.pk}: wrong bytes")
print(json.dumps({"documents": documents.count(), "bad": bad}))
"""


def kansli(place: Installation, *args: str) -> str:
    done = run([KANSLI, *args], env=place.env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_backup_taken_while_16_writers_register_restores_whole(tmp_path: Path) -> None:
    folder = tmp_path / "kopia"
    with installation(tmp_path / "here") as here, installation(tmp_path / "there") as there:
        here.migrate()
        case = kansli(here, "shell", "-v0", "-c", SETUP).strip().splitlines()[-1]
        stop = tmp_path / "stoppa"
        writers = [
            Popen([sys.executable, "-c", WRITER, case, str(stop)], env=here.env, stdout=PIPE,
                  stderr=PIPE, text=True)
            for _ in range(WRITERS)
        ]  # fmt: skip
        try:
            _wait_for_documents(here, 2 * WRITERS)
            made = kansli(here, "backup", str(folder))
            time.sleep(1)  # the writers go on after the backup's moment
        finally:
            stop.touch()
            outputs = [writer.communicate(timeout=120) for writer in writers]
        assert all(w.returncode == 0 for w in writers), [err for _out, err in outputs]
        registered = sum(int(out.strip().splitlines()[-1]) for out, _err in outputs)
        assert "Säkerhetskopia i" in made

        there.migrate()  # a new installation, migrated but empty
        restored = kansli(there, "restore", str(folder))
        assert "granskningskedjan är hel" in restored
        assert "Granskningskedjan är hel" in kansli(there, "audit", "verify")
        found = json.loads(kansli(there, "shell", "-v0", "-c", CHECK).strip().splitlines()[-1])
        manifest = json.loads((folder / "manifest.json").read_text())

    assert found["bad"] == []
    # Every document of the backup's moment came back with its file, none from after it.
    assert found["documents"] == manifest["files"] > 0
    assert found["documents"] < registered  # the writers went on after the moment


def _wait_for_documents(place: Installation, count: int) -> None:
    ends = time.monotonic() + 120
    while time.monotonic() < ends:
        if place.count("SELECT count(*) FROM registry_document") >= count:
            return
        time.sleep(0.3)
    raise AssertionError(f"the writers did not register {count} documents in time")
