"""The file readers' libraries (pypdf, python-docx, odfpy: about 20 MB) are loaded by
the processes that read files, not by every process at start; and a process that reads
a PDF loads pypdf itself before the sandbox forks, so each child does not import it
again (kansli.files.readers), while PDFs checked for active content in a batch (the
archive import's) are read by a child that imports it (kansli.files.pdfactive)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kansli.files.tests.test_pdfactive import with_javascript
from kansli.web.testing_installation import copy_migrated_sqlite

READERS = ("pypdf", "docx", "odf")

PROGRAM = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
import kansli.archive.export, kansli.archive.importer, kansli.files.store
import kansli.meetings.actions
loaded = {"start": [name for name in %(readers)r if name in sys.modules]}
from kansli.files.pdfactive import checked_many
from kansli.files.store import store_bytes
from kansli.files.tests import samples
active = open(%(active)r, "rb").read()
loaded["batch"] = checked_many([samples.pdf("Kallelse"), active])
loaded["after a batch"] = [name for name in %(readers)r if name in sys.modules]
from django.core.files.uploadedfile import SimpleUploadedFile
from kansli.files.download import handed_on
from kansli.files.store import store_upload
stored = store_upload(SimpleUploadedFile("aktiv.pdf", active), active_content="javascript")
copy = handed_on(stored)  # cleaned in a child
loaded["cleaned"] = b"/JavaScript" not in copy and b"/JavaScript" in active
loaded["after cleaning"] = [name for name in %(readers)r if name in sys.modules]
store_bytes(samples.pdf("Kallelse"), "kallelse.pdf")
loaded["after a pdf"] = [name for name in %(readers)r if name in sys.modules]
print(json.dumps(loaded))
"""


def test_readers_are_loaded_when_a_file_is_read(tmp_path: Path) -> None:
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path)}
    env.pop("KANSLI_DATABASE_URL", None)  # a database of its own, on SQLite
    copy_migrated_sqlite(tmp_path)
    active = tmp_path / "active.pdf"  # made here: the child process must not load pypdf
    active.write_bytes(with_javascript())
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM % {"readers": READERS, "active": str(active)}],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded["start"] == []
    assert loaded["batch"] == ["", "javascript"]  # read by the child
    assert "pypdf" not in loaded["after a batch"]  # (the samples load docx and odf)
    assert loaded["cleaned"]
    assert "pypdf" in loaded["after cleaning"]  # in the parent, before the cleaning's fork
    assert "pypdf" in loaded["after a pdf"]  # in the parent, before the check's fork
