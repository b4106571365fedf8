"""A real IMAP server for the tests and the benchmark: Debian's dovecot on 127.0.0.1,
a free port, TLS with a self-signed certificate made here, one passwd-file user, mail
in a temporary directory and no system configuration."""

from __future__ import annotations

import imaplib
import io
import os
import pwd
import random
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from kansli.certificates import self_signed
from kansli.subprocesses import free_port, stop, wait_for_port

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "registrator", "hemligt-losen-1"
PASSWORD_ENV = "KANSLI_TEST_IMAP_PASSWORD"  # noqa: S105 (a name, not a password)

CONFIG = """
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{dir}/server.crt
ssl_key = <{dir}/server.key
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{dir}/mail/%u
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service auth {{
  user = root
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
"""


@dataclass
class Dovecot:
    port: int
    ca_file: Path

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, folder: str, *messages: bytes) -> None:
        imap = self.client()
        try:
            imap.create(folder)
            for message in messages:
                answer = imap.append(folder, "", "", message)
                assert answer[0] == "OK", answer
        finally:
            imap.logout()

    def uids(self, folder: str) -> list[int]:
        imap = self.client()
        try:
            imap.select(folder)
            _status, data = imap.uid("SEARCH", "ALL")
            return [int(uid) for uid in (data[0] or b"").split()]
        finally:
            imap.logout()

    def recreate(self, folder: str) -> None:
        """Delete the folder and make it anew: the server gives it a new UIDVALIDITY."""
        imap = self.client()
        try:
            assert imap.delete(folder)[0] == "OK"
            assert imap.create(folder)[0] == "OK"
        finally:
            imap.logout()


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Dovecot started in a temporary directory (as `dovecot -F`, in the foreground);
    stopped and its files removed afterwards. Its login and mail processes run as
    Debian's unprivileged users (dovecot refuses root for them)."""
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="kansli-dovecot-"))
    directory.chmod(0o711)
    mail_user = pwd.getpwnam("nobody")
    for name in ("run", "state", "mail", "home"):
        (directory / name).mkdir()
    for name in ("mail", "home"):
        os.chown(directory / name, mail_user.pw_uid, mail_user.pw_gid)
    _key, ca_file = self_signed(
        directory, "server", common_name="127.0.0.1", addresses=("127.0.0.1",), authority=True
    )
    (directory / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    config = directory / "dovecot.conf"
    config.write_text(
        CONFIG.format(dir=directory, port=port, uid=mail_user.pw_uid, gid=mail_user.pw_gid)
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(process, port, "dovecot", lambda: _dovecot_log(process, directory))
        yield Dovecot(port, ca_file)
    finally:
        stop(process)
        shutil.rmtree(directory, ignore_errors=True)


def _dovecot_log(process: subprocess.Popen[bytes], directory: Path) -> str:
    log = directory / "dovecot.log"
    stderr = process.stderr.read() if process.stderr else b""
    return f"{stderr!r} {log.read_text() if log.exists() else ''}"


def message(number: int, attachments: int = 2) -> bytes:
    """An e-mail to the functional mailbox with a PDF and a text file attached (or
    fewer), CRLF line ends as on the wire."""
    mail = EmailMessage(policy=SMTP)
    mail["From"] = f"Anna Andersson <anna{number}@example.se>"
    mail["To"] = "kommunstyrelsen@kommun.example.se"
    mail["Subject"] = f"Synpunkt nummer {number} om gatubelysningen"
    mail["Date"] = "Fri, 04 Dec 2026 09:00:00 +0100"
    mail["Message-ID"] = f"<synpunkt-{number}@example.se>"
    mail.set_content(f"Hej! Här kommer synpunkt {number}.\n")
    files = [
        (b"%PDF-1.4\n%%EOF\n" + f"% {number}\n".encode(), "application", "pdf", "karta.pdf"),
        (f"Bilaga till synpunkt {number}\n".encode(), "text", "plain", "anteckning.txt"),
    ]
    for data, maintype, subtype, name in files[:attachments]:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()


def intake_killed_at_random(kills: int, messages: int, seed: int) -> None:
    """Run `kansli intake imap` and kill it with SIGKILL after a random number of
    seconds, `kills` times over, printing the number of inbox items after each kill;
    called in a process of its own with Django set up. The waits are paced so that the
    kills fall while the `messages` are being taken in, each finding about an even
    share of them over two thirds of the kills: the window (0.05 to 0.3 s at first)
    grows by half after a kill that found no new item (killed before the intake got
    going: a slow machine) and scales by the share over what the kill found otherwise
    (a fast machine takes in the whole folder before a third of the kills in a fixed
    window). Each intake runs in a child forked from this process, so it starts at
    once rather than after Django's start-up, and is killed as abruptly as any (no
    clean-up of any kind: transactions, files and IMAP sessions cut off)."""
    from django.core.management import call_command
    from django.db import connections

    from kansli.registry.models import InboxItem

    chance = random.Random(seed)
    share = messages / (kills * 2 / 3)
    low, high = 0.05, 0.3
    before = 0
    for _ in range(kills):
        connections.close_all()  # the child opens its own
        pid = os.fork()
        if pid == 0:
            try:
                call_command("intake", "imap", "--interval", "1", stdout=io.StringIO())
            finally:
                os._exit(0)
        time.sleep(chance.uniform(low, high))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        count = InboxItem.objects.count()
        print(count, flush=True)  # how far the intake came
        found = count - before
        factor = 1.5 if found == 0 else min(max(share / found, 0.5), 1.5)
        low, high = min(max(low * factor, 0.01), 10), min(max(high * factor, 0.05), 20)
        before = count
