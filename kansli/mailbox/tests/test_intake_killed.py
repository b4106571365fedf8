"""Issue 14's "done when": the intake process killed with SIGKILL at random moments 25
times and started again ends with exactly one inbox item per message, each with its
attachments: nothing lost, nothing twice. KANSLI_IMAP_KILL_MESSAGES sets the number of
messages (150 here; bench/imap_intake.py --kills runs the 500).

The processes run `kansli intake imap` on the test database itself: PostgreSQL's, or
for SQLite (whose test database lives in this process's memory) a copy in a file,
copied back afterwards."""

from __future__ import annotations

import itertools
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings as django_settings
from django.db import connection

from kansli.audit.chain import verify
from kansli.audit.tests.test_cli import kansli
from kansli.files.mail import parse_mail
from kansli.mailbox import actions
from kansli.mailbox.models import MailboxFolderState, QuarantinedMessage
from kansli.mailbox.testing import PASSWORD, PASSWORD_ENV, USER, Dovecot, message
from kansli.org.testing import make_authority
from kansli.registry.models import InboxItem

MESSAGES = int(os.environ.get("KANSLI_IMAP_KILL_MESSAGES", "150"))
KILLS = 25
FOLDER, DONE = "INBOX", "Registrerat"
KILL = """
from kansli.mailbox.testing import intake_killed_at_random
intake_killed_at_random({kills}, {messages}, {seed})
"""


def database_url(tmp_path: Path) -> str:
    """The test database for another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path / "kansli.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    return "postgresql://{}:{}@{}:{}/{}".format(
        quote(settings["USER"] or "", safe=""),
        quote(settings["PASSWORD"] or "", safe=""),
        settings["HOST"] or "localhost",
        settings["PORT"] or 5432,
        settings["NAME"],
    )


def read_back(url: str) -> None:
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as copy:
            copy.backup(connection.connection)


def test_killed_25_times_neither_loses_nor_duplicates(
    transactional_db: None, dovecot: Dovecot, tmp_path: Path
) -> None:
    actions.do_add_mailbox(
        authority=make_authority("KS"), host="127.0.0.1", port=dovecot.port, username=USER,
        password_env=PASSWORD_ENV, folders=FOLDER, processed_folder=DONE, active=True,
        actor=None,
    )  # fmt: skip
    sent = [message(number) for number in range(MESSAGES)]
    dovecot.append(FOLDER, *sent)
    url = database_url(tmp_path)
    env: dict[str, Any] = {
        **os.environ,
        "KANSLI_DATABASE_URL": url,
        "KANSLI_IMAP_CA_FILE": str(dovecot.ca_file),
        "KANSLI_DATA_DIR": str(django_settings.DATA_DIR),  # the same files
        PASSWORD_ENV: PASSWORD,
    }
    seed = int.from_bytes(os.urandom(4))
    killing = KILL.format(kills=KILLS, messages=MESSAGES, seed=seed)
    # The waits before the kills grow while the intake finds nothing (up to 20 s each):
    # on a loaded machine the run takes minutes, which is no fault of the intake.
    killed = kansli("shell", "-v0", "-c", killing, env=env, timeout=600)
    assert killed.returncode == 0, killed.stderr
    # Kills came while messages were being taken in (not all before or after): the
    # number of items grew to the kill and the intake was not done.
    counts = [0, *map(int, killed.stdout.split())]
    cut_short = sum(1 for a, b in itertools.pairwise(counts) if a < b < MESSAGES)
    assert cut_short >= 8, (seed, counts)
    finished = kansli("intake", "imap", "--once", env=env)  # a process started afresh
    assert finished.returncode == 0, finished.stderr

    read_back(url)
    items = list(InboxItem.objects.select_related("stored"))
    assert len(items) == MESSAGES
    assert sorted(item.stored.sha256 for item in items) == sorted(
        InboxItem.objects.values_list("stored__sha256", flat=True).distinct()
    )
    for item in items:
        with item.stored.open() as handle:
            data = handle.read()
        assert len(data) == item.stored.size
        assert [a.filename for a in parse_mail(data).attachments] == ["karta.pdf", "anteckning.txt"]
    assert sorted(item.subject for item in items) == sorted(
        f"Synpunkt nummer {number} om gatubelysningen" for number in range(MESSAGES)
    )
    assert not QuarantinedMessage.objects.exists()
    assert MailboxFolderState.objects.get().last_uid == MESSAGES
    assert dovecot.uids(FOLDER) == []
    assert len(dovecot.uids(DONE)) == MESSAGES
    assert verify().ok
