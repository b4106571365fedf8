"""`kansli intake imap`: reading the functional mailboxes into the inbox.

For each folder: the state is read for the folder's UIDVALIDITY, the messages above the
last UID are fetched in batches and each is taken in by its own transaction
(do_take_in_message), which also advances the last UID. Only once that has committed
is the message moved to the processed folder (or flagged \\Seen and $Kansli). A process
killed in between has committed messages still in the folder: the next run finds them
at or below the last UID and only moves them. A message is therefore neither lost (it
leaves the folder only after its commit) nor taken in twice (its UID, and its content
after a new UIDVALIDITY, is known)."""

from __future__ import annotations

import imaplib
import os
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kansli.mailbox import actions
from kansli.mailbox.models import Mailbox, QuarantinedMessage
from kansli.registry.models import InboxItem

BATCH = 50
FLAGS = r"(\Seen $Kansli)"
LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


class IntakeError(Exception):
    """The mailbox cannot be read: the server, the login or the password is wrong."""


@dataclass
class Counts:
    inbox: int = 0
    quarantined: int = 0


def take_in(mailbox: Mailbox, *, plaintext: bool = False) -> Counts:
    """One pass over the mailbox's folders."""
    counts = Counts()
    with connection(mailbox, plaintext=plaintext) as imap:
        try:
            if mailbox.processed_folder:
                imap.create(quoted(mailbox.processed_folder))  # NO when it is there: fine
            for folder in mailbox.folder_names:
                take_in_folder(imap, mailbox, folder, counts)
        except (OSError, imaplib.IMAP4.error) as error:
            raise IntakeError(f"{mailbox}: förbindelsen bröts: {error}") from error
    return counts


@contextmanager
def connection(mailbox: Mailbox, *, plaintext: bool) -> Iterator[imaplib.IMAP4]:
    """Logged in over TLS (the CA file KANSLI_IMAP_CA_FILE, else the system's), or in
    plain text when asked for and the server is this machine."""
    password = _password(mailbox.password_env)
    try:
        if plaintext:
            if mailbox.host not in LOCAL_HOSTS:
                raise IntakeError(f"{mailbox}: okrypterad anslutning tillåts bara till 127.0.0.1.")
            imap: imaplib.IMAP4 = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=60)
        else:
            context = ssl.create_default_context(cafile=settings.IMAP_CA_FILE or None)
            imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=60)
        imap.login(mailbox.username, password)
        _status, data = imap.capability()  # those after login: MOVE, UIDPLUS
        imap.capabilities = tuple(bytes(data[-1] or b"").decode().upper().split())
    except (OSError, imaplib.IMAP4.error) as error:
        raise IntakeError(f"{mailbox}: kunde inte logga in: {error}") from error
    try:
        yield imap
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            imap.logout()


def _password(name: str) -> str:
    """The password from the environment variable, or from the file `<name>_FILE`
    names (a container secret)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    password = os.environ.get(name)
    if not password:
        raise IntakeError(f"Lösenordet saknas: miljövariabeln {name} är inte satt.")
    return password


def take_in_folder(imap: imaplib.IMAP4, mailbox: Mailbox, folder: str, counts: Counts) -> None:
    status, _data = imap.select(quoted(folder))
    if status != "OK":
        raise IntakeError(f"{mailbox}: mappen {folder} finns inte.")
    _status, validity = imap.response("UIDVALIDITY")
    state = actions.do_start_folder(mailbox, folder, int(validity[0]), actor=None)
    if state.last_uid:
        # Taken in by a run that stopped before it moved them.
        done = search(imap, f"UID 1:{state.last_uid}" + ("" if mailbox.processed_folder
                                                         else " UNKEYWORD $Kansli"))  # fmt: skip
        put_aside(imap, mailbox, done)
    waiting = [uid for uid in search(imap, f"UID {state.last_uid + 1}:*") if uid > state.last_uid]
    for start in range(0, len(waiting), BATCH):
        batch = waiting[start : start + BATCH]
        fetched = fetch(imap, batch)
        done = []
        for uid in batch:
            if uid not in fetched:
                continue  # expunged by someone else meanwhile
            result = actions.do_take_in_message(mailbox, folder, uid, fetched[uid], actor=None)
            counts.inbox += isinstance(result, InboxItem)
            counts.quarantined += isinstance(result, QuarantinedMessage)
            done.append(uid)
        put_aside(imap, mailbox, done)


def search(imap: imaplib.IMAP4, criteria: str) -> list[int]:
    _status, data = imap.uid("SEARCH", criteria)
    return sorted(int(uid) for uid in (data[0] or b"").split())


UID_IN_FETCH = re.compile(rb"UID (\d+)")


def fetch(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, bytes]:
    """The whole messages (BODY.PEEK: not marked as read), by UID."""
    _status, data = imap.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    found = {}
    for part in data:
        if isinstance(part, tuple):
            match = UID_IN_FETCH.search(part[0])
            if match:
                found[int(match.group(1))] = part[1]
    return found


def put_aside(imap: imaplib.IMAP4, mailbox: Mailbox, uids: list[int]) -> None:
    """Move the messages taken in to the processed folder, or flag them."""
    if not uids:
        return
    uid_set = ",".join(map(str, uids))
    if not mailbox.processed_folder:
        imap.uid("STORE", uid_set, "+FLAGS.SILENT", FLAGS)
        return
    target = quoted(mailbox.processed_folder)
    capabilities = imap.capabilities
    if "MOVE" in capabilities:
        checked(imap.uid("MOVE", uid_set, target))
        return
    checked(imap.uid("COPY", uid_set, target))
    imap.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)")
    if "UIDPLUS" in capabilities:
        imap.uid("EXPUNGE", uid_set)
    else:
        imap.expunge()


def checked(response: tuple[str, list[bytes | None]]) -> None:
    status, data = response
    if status != "OK":
        raise IntakeError(f"Servern vägrade: {data!r}")


def quoted(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
