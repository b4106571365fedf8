"""`kansli intake imap` against a real dovecot: messages become inbox items with their
attachments, nothing is taken in twice, and what cannot be taken in is quarantined
whole."""

from __future__ import annotations

import datetime
from email import message_from_bytes
from email.policy import SMTP
from typing import Any

import pytest

from kansli.audit.models import AuditEvent
from kansli.mailbox import actions
from kansli.mailbox.intake import IntakeError, take_in
from kansli.mailbox.models import Mailbox, MailboxFolderState, QuarantinedMessage
from kansli.mailbox.testing import PASSWORD, PASSWORD_ENV, USER, Dovecot, message
from kansli.org.testing import make_authority
from kansli.registry.actions import do_register_from_inbox
from kansli.registry.models import InboxItem
from kansli.registry.testing import make_registrar

pytestmark = pytest.mark.django_db
FOLDER, DONE = "Funktionsbrevlada", "Registrerat"


@pytest.fixture
def imap(dovecot: Dovecot, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Dovecot:
    settings.IMAP_CA_FILE = str(dovecot.ca_file)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return dovecot


def mailbox_for(server: Dovecot, processed_folder: str = DONE, code: str = "KS") -> Mailbox:
    return actions.do_add_mailbox(
        authority=make_authority(code), host="127.0.0.1", port=server.port, username=USER,
        password_env=PASSWORD_ENV, folders=FOLDER, processed_folder=processed_folder,
        active=True, actor=None,
    )  # fmt: skip


def test_a_message_with_two_attachments_becomes_an_item_with_three_files(imap: Dovecot) -> None:
    mailbox = mailbox_for(imap)
    imap.append(FOLDER, message(1))

    counts = take_in(mailbox)

    assert (counts.inbox, counts.quarantined) == (1, 0)
    item = InboxItem.objects.get()
    assert item.authority == mailbox.authority
    assert item.sender == "Anna Andersson <anna1@example.se>"
    assert item.subject == "Synpunkt nummer 1 om gatubelysningen"
    assert item.name == "Synpunkt nummer 1 om gatubelysningen.eml"
    assert item.received_by is None
    assert AuditEvent.objects.filter(action="registry.receive_in_inbox", actor=None).count() == 1
    # Taken in, then moved out of the folder read.
    assert imap.uids(FOLDER) == []
    assert len(imap.uids(DONE)) == 1

    registrar = make_registrar(mailbox.authority)
    document = do_register_from_inbox(
        item, None, title="Synpunkt om gatubelysningen", actor=registrar,
        document_date=datetime.date(2026, 12, 4), counterpart=item.sender,
    )  # fmt: skip
    names = sorted(document.files.values_list("name", flat=True))
    assert names == sorted([item.name, "karta.pdf", "anteckning.txt"])


def test_a_second_run_takes_in_nothing_new(imap: Dovecot) -> None:
    mailbox = mailbox_for(imap)
    imap.append(FOLDER, message(1), message(2))
    assert take_in(mailbox).inbox == 2
    assert take_in(mailbox).inbox == 0
    imap.append(FOLDER, message(3))
    assert take_in(mailbox).inbox == 1
    assert InboxItem.objects.count() == 3
    state = MailboxFolderState.objects.get(mailbox=mailbox, folder=FOLDER)
    assert state.last_uid == 3


def test_flagged_when_there_is_no_processed_folder(imap: Dovecot) -> None:
    mailbox = mailbox_for(imap, processed_folder="")
    imap.append(FOLDER, message(1))
    take_in(mailbox)
    client = imap.client()
    client.select(FOLDER)
    _status, data = client.uid("SEARCH", "KEYWORD $Kansli SEEN")
    client.logout()
    assert data[0] == b"1"
    assert take_in(mailbox).inbox == 0


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(imap: Dovecot) -> None:
    mailbox = mailbox_for(imap, processed_folder="")
    first, second = message(1), message(2)
    imap.append(FOLDER, first, second)
    assert take_in(mailbox).inbox == 2
    before = MailboxFolderState.objects.get().uidvalidity

    imap.recreate(FOLDER)  # as when a server is restored: new UIDVALIDITY, UIDs from 1
    imap.append(FOLDER, first, second, message(3))
    assert take_in(mailbox).inbox == 1

    assert InboxItem.objects.count() == 3
    state = MailboxFolderState.objects.get()
    assert (state.uidvalidity != before, state.last_uid) == (True, 3)
    assert AuditEvent.objects.filter(action="mailbox.start_folder").count() == 2


def test_malformed_messages_are_quarantined_whole_and_the_intake_goes_on(
    imap: Dovecot, settings: Any
) -> None:
    mailbox = mailbox_for(imap)
    garbage = b"\x01 detta \xff\xfe \xe4r inget e-brev\r\n" * 20
    with_program = message_from_bytes(message(2, attachments=0), policy=SMTP)
    with_program.add_attachment(
        b"MZ\x90\x00" + b"\x00" * 200, maintype="application", subtype="octet-stream",
        filename="faktura.exe",
    )  # fmt: skip
    imap.append(FOLDER, garbage, with_program.as_bytes(), message(3))

    counts = take_in(mailbox)

    assert (counts.inbox, counts.quarantined) == (1, 2)
    assert InboxItem.objects.get().subject == "Synpunkt nummer 3 om gatubelysningen"
    held = list(QuarantinedMessage.objects.order_by("uid"))
    assert [entry.uid for entry in held] == [1, 2]
    with held[0].stored.open() as handle:
        assert handle.read() == garbage  # kept whole
    assert "kunde inte läsas" in held[0].reason
    assert held[1].reason.startswith("faktura.exe: ")
    assert "program" in held[1].reason
    assert AuditEvent.objects.filter(action="mailbox.quarantine").count() == 2
    assert imap.uids(FOLDER) == []  # moved aside too
    assert take_in(mailbox).quarantined == 0


def test_a_message_over_the_upload_limit_is_quarantined(imap: Dovecot, settings: Any) -> None:
    settings.MAX_UPLOAD_MB = 1
    mailbox = mailbox_for(imap)
    large = message(1).replace(b"Hej!", b"Hej! " + b"x" * (1024 * 1024 + 10), 1)
    imap.append(FOLDER, large)
    assert take_in(mailbox).quarantined == 1
    assert QuarantinedMessage.objects.get().reason == "Filen är större än 1 MB."


def test_the_certificate_is_checked_and_plain_text_only_to_this_machine(
    imap: Dovecot, settings: Any
) -> None:
    mailbox = mailbox_for(imap)
    settings.IMAP_CA_FILE = ""  # the system's CAs do not know the test certificate
    with pytest.raises(IntakeError, match="kunde inte logga in"):
        take_in(mailbox)
    remote = actions.do_add_mailbox(
        authority=mailbox.authority, host="imap.example.se", port=143, username=USER,
        password_env=PASSWORD_ENV, folders=FOLDER, processed_folder="", active=True, actor=None,
    )  # fmt: skip
    with pytest.raises(IntakeError, match=r"bara till 127\.0\.0\.1"):
        take_in(remote, plaintext=True)
    assert InboxItem.objects.count() == 0
