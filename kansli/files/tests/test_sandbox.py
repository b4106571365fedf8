"""A file's text is read in a child process within a memory and a time limit (issue 12,
part 6): a file whose reading swells or hangs is kept without text, with the reason,
and the worker goes on."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest
from django.core.exceptions import ValidationError

from kansli.files import readers
from kansli.files.models import StoredFile
from kansli.files.sandbox import OutOfTime, OverLimit, deadline, within_limits
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.files.tests.test_extract import run

pytestmark = pytest.mark.django_db
Extraction = StoredFile.Extraction


def swelling(file: IO[bytes]) -> str:
    """A reader that, like a parser fed a bomb, takes four gigabytes."""
    return "x" * (4 * 1024**3)


def hanging(file: IO[bytes]) -> str:
    time.sleep(60)
    return "never"


def test_a_file_whose_reading_swells_is_kept_without_text(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EXTRACT_MEMORY_MB = 200
    monkeypatch.setitem(readers.EXTRACTORS, "text/plain", swelling)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stored = run(store_bytes(b"Beslut", "beslut.txt"))
    assert stored.extraction == Extraction.FAILED and stored.text == ""
    assert stored.extraction_error == (
        "Texten kunde inte tas fram inom gränserna för minne och tid (behövde mer än 200 MB minne)"
    )
    # The worker itself did not grow: the child took the memory, and was refused it.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


def test_a_file_whose_reading_hangs_is_given_up_after_the_time_limit(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EXTRACT_SECONDS = 1
    monkeypatch.setitem(readers.EXTRACTORS, "text/plain", hanging)
    started = time.monotonic()
    stored = run(store_bytes(b"Beslut", "beslut.txt"))
    assert time.monotonic() - started < 10
    assert stored.extraction == Extraction.FAILED
    assert stored.extraction_error.endswith("(tog längre än 1 s)")


def test_the_next_file_is_read_as_usual(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.EXTRACT_MEMORY_MB = 200
    monkeypatch.setitem(readers.EXTRACTORS, "application/pdf", swelling)
    run(store_bytes(b"%PDF-1.4\n%%EOF\n", "trasig.pdf"))
    assert run(store_bytes(b"Kallelse", "kallelse.txt")).text == "Kallelse"


def test_the_case_page_says_when_a_files_text_could_not_be_read(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.test import Client

    from kansli.org.models import Role
    from kansli.org.testing import make_user
    from kansli.registry.actions import do_attach_file
    from kansli.registry.testing import make_incoming

    settings.EXTRACT_MEMORY_MB = 200
    monkeypatch.setitem(readers.EXTRACTORS, "text/plain", swelling)
    document = make_incoming()
    stored = store_bytes(b"Beslut", "beslut.txt")
    do_attach_file(document, stored, "beslut.txt", actor=None)
    run(stored)
    client = Client()
    client.force_login(make_user(roles=[(Role.REGISTRAR, document.case.authority)]))
    page = client.get(f"/arenden/{document.case_id}/").content.decode()
    assert "beslut.txt" in page
    assert "(texten kunde inte läsas ut: sökningen hittar inte filen)" in page


def noisy(file: IO[bytes]) -> str:
    """A reader that logs and warns, as pypdf does on a damaged PDF."""
    import logging
    import warnings

    logging.getLogger("pypdf").error("damaged xref")
    warnings.warn("damaged xref", stacklevel=1)
    return "Beslut"


def test_the_child_writes_nothing_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """In a threaded server another thread may hold stderr's lock at the fork (while it
    logs a request; a browser test once hung so): the child writes nothing there even
    when its reader logs and warns, and flushes nothing, so it never waits for that
    lock; it answers through its own pipe."""
    from kansli.files.sandbox import text_within_limits

    assert text_within_limits(b"Beslut", noisy) == "Beslut"
    assert capfd.readouterr().err == ""


def test_a_program_the_child_started_is_stopped_with_it(tmp_path: Any) -> None:
    # OCR runs Tesseract from the child: at the limit both go, not the child alone.
    pid_file = tmp_path / "pid"

    def starting_a_program(file: IO[bytes]) -> str:
        program = subprocess.Popen(["sleep", "60"])
        pid_file.write_text(str(program.pid))
        program.wait()
        return "never"

    with pytest.raises(OverLimit, match="tog längre än 1 s"):
        within_limits(b"", starting_a_program, seconds=1)
    pid = int(pid_file.read_text())
    for _ in range(50):  # reaped by init once killed, which may take a moment
        state = Path(f"/proc/{pid}/stat")
        if not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return
        time.sleep(0.1)
    pytest.fail(f"sleep ({pid}) still runs after its child was stopped")


def test_a_request_s_deadline_cuts_the_limit_and_says_so() -> None:
    # Out of the request's time is not over the file's limit: nothing records it as the
    # file's failure.
    started = time.monotonic()
    with deadline(1.5), pytest.raises(OutOfTime, match="inom sidans tidsgräns på 20 s"):
        within_limits(b"", hanging, seconds=60)
    assert time.monotonic() - started < 10
    with deadline(0.5), pytest.raises(OutOfTime):  # too little left to start a child
        within_limits(b"", lambda _file: pytest.fail("forked"), seconds=60)


def test_a_pdf_not_checked_in_the_request_s_time_is_not_stored() -> None:
    with deadline(0), pytest.raises(ValidationError, match="hann inte kontrolleras"):
        store_bytes(samples.pdf("Beslut"), "beslut.pdf")
    assert not StoredFile.objects.exists()


def test_the_child_holds_no_file_descriptor_but_its_own_pipe(tmp_path: Any) -> None:
    # A child forked by one thread while another's pipe is open must not hold that
    # pipe: its parent would wait for this child too.
    with (tmp_path / "open").open("w"):
        held = within_limits(b"", lambda _file: sorted(os.listdir("/proc/self/fd"), key=int))
    assert len(held) <= 5  # stdin, stdout, stderr, its pipe, and the listing itself


CHILD_OF_A_KILLED_PARENT = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
from pathlib import Path
from kansli.files.sandbox import within_limits
def work(_file):
    Path(sys.argv[1]).write_text(str(os.getpid()))
    time.sleep(60)
within_limits(b"", work, seconds=60)
"""


def test_the_child_dies_with_its_parent(tmp_path: Any) -> None:
    # gunicorn kills a web process that takes too long: its child goes too.
    pid_file = tmp_path / "pid"
    parent = subprocess.Popen([sys.executable, "-c", CHILD_OF_A_KILLED_PARENT, str(pid_file)])
    try:
        for _ in range(300):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.1)
        child = int(pid_file.read_text())
    finally:
        parent.kill()
        parent.wait()
    for _ in range(50):
        state = Path(f"/proc/{child}/stat")
        if not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return
        time.sleep(0.1)
    pytest.fail(f"the child ({child}) still runs after its parent was killed")
