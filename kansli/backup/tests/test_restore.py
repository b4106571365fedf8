"""`kansli restore` into a new installation whose storage is not empty: a file there
under its hash is kept only if it has that hash (the docs say to point a new machine at
the object store "as before", which may hold a damaged copy); the restored files are
not readable by every account on the machine; and a database copy whose audit chain
does not end at the head the manifest records is not taken for the backup's."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from subprocess import run

from kansli.web.testing_installation import Installation, installation

KANSLI = str(Path(sys.executable).with_name("kansli"))
DOCUMENT = """
from kansli.files.store import store_bytes
from kansli.registry.actions import do_attach_file
from kansli.registry.testing import make_incoming
stored = store_bytes("Ansökan om färdtjänst. ".encode() * 50, "ansokan.txt")
do_attach_file(make_incoming(), stored, "ansokan.txt", actor=None)
print(stored.sha256)
"""


def kansli(place: Installation, *args: str, ok: bool = True) -> str:
    done = run([KANSLI, *args], env=place.env, capture_output=True, text=True, timeout=300)
    assert (done.returncode == 0) == ok, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_damaged_file_in_the_storage_is_replaced_and_a_foreign_database_refused(
    tmp_path: Path,
) -> None:
    folder, tampered = tmp_path / "kopia", tmp_path / "ändrad"
    with (
        installation(tmp_path / "here") as here,
        installation(tmp_path / "there") as there,
        installation(tmp_path / "elsewhere") as elsewhere,
    ):
        here.migrate()
        sha256 = kansli(here, "shell", "-v0", "-c", DOCUMENT).strip().splitlines()[-1]
        kansli(here, "backup", str(folder))
        shutil.copytree(folder, tampered)
        manifest = json.loads((tampered / "manifest.json").read_text())
        manifest["audit_head"]["hash"] = "f" * 64
        (tampered / "manifest.json").write_text(json.dumps(manifest))
        name = Path("sha256") / sha256[:2] / sha256[2:4] / sha256
        damaged = tmp_path / "there" / "files" / name
        damaged.parent.mkdir(parents=True)
        damaged.write_bytes(b"korrupt")

        restored = kansli(there, "restore", str(folder))
        assert "granskningskedjan är hel" in restored
        # The file's text extraction was waiting at the backup's moment: it runs again.
        assert "bakgrundsuppgifter från kopians ögonblick väntar" in restored
        refused = kansli(elsewhere, "restore", str(tampered), ok=False)

    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == sha256
    assert damaged.stat().st_mode & 0o007 == 0  # no other account reads a document
    assert "hör inte till den här säkerhetskopian" in refused
