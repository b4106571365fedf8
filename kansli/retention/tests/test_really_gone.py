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
