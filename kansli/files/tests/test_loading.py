"""The file readers' libraries (pypdf, python-docx, odfpy: about 20 MB) are loaded by
the processes that read files, not by every process at start; and a process that reads
a PDF loads pypdf itself before the sandbox forks, so each child does not import it
again (kansli.files.readers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

READERS = ("pypdf", "docx", "odf")

PROGRAM = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
import kansli.archive.export, kansli.files.store, kansli.meetings.actions
loaded = {"start": [name for name in %(readers)r if name in sys.modules]}
from django.core.management import call_command
call_command("migrate", verbosity=0)
from kansli.files.store import store_bytes
from kansli.files.tests import samples
store_bytes(samples.pdf("Kallelse"), "kallelse.pdf")
loaded["after a pdf"] = [name for name in %(readers)r if name in sys.modules]
print(json.dumps(loaded))
"""


def test_readers_are_loaded_when_a_file_is_read(tmp_path: Path) -> None:
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path)}
    env.pop("KANSLI_DATABASE_URL", None)  # a database of its own, on SQLite
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM % {"readers": READERS}],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["start"] == []
    assert "pypdf" in loaded["after a pdf"]  # in the parent, before the check's fork
