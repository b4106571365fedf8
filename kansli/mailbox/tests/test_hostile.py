"""Hostile mail in the functional mailbox: a message whose headers hold what cannot be
stored (a lone surrogate from undecodable bytes, a NUL) is taken in with those
characters replaced, instead of stopping the intake at that message on every run; an
encoded line break in its subject does not follow it into the headers of a forward."""

from __future__ import annotations

import pytest
from django.core import mail

from kansli.mailbox import actions
from kansli.mailbox.models import Mailbox, MailboxFolderState
from kansli.mailbox.testing import PASSWORD_ENV
from kansli.org.testing import make_authority
from kansli.registry.models import InboxItem
from kansli.registry.testing import make_registrar

pytestmark = pytest.mark.django_db

HOSTILE = (
    b"From: =?utf-8?b?7aCA?= <anna@example.se>\r\n"  # an encoded lone surrogate
    b"To: ks@example.se\r\n"
    b"Subject: \xed\xa0\x80 Bygglov \x00 Storgatan\r\n"  # undecodable bytes and a NUL
    b"Date: Fri, 04 Dec 2026 10:00:00 +0100\r\n\r\nHej\r\n"
)


def folder() -> Mailbox:
    mailbox = actions.do_add_mailbox(
        authority=make_authority("KS"), host="imap.example.se", port=993, username="ks",
        password_env=PASSWORD_ENV, folders="INBOX", processed_folder="", active=True,
        actor=None,
    )  # fmt: skip
    actions.do_start_folder(mailbox, "INBOX", 1, actor=None)
    return mailbox


def test_a_message_with_unstorable_headers_reaches_the_inbox_and_the_uid_advances() -> None:
    mailbox = folder()

    item = actions.do_take_in_message(mailbox, "INBOX", 7, HOSTILE, actor=None)

    assert isinstance(item, InboxItem)
    stored = InboxItem.objects.get(pk=item.pk)
    assert stored.sender.startswith("\ufffd") and stored.sender.endswith(" <anna@example.se>")
    assert "Bygglov" in stored.subject and "Storgatan" in stored.subject
    assert "\x00" not in stored.subject
    assert not any("\ud800" <= char <= "\udfff" for char in stored.sender + stored.subject)
    assert MailboxFolderState.objects.get(mailbox=mailbox).last_uid == 7
    with stored.stored.open() as handle:
        assert handle.read() == HOSTILE  # the message itself is kept whole


def test_an_encoded_line_break_in_the_subject_stays_out_of_the_forward_s_headers() -> None:
    mailbox = folder()
    raw = (
        b"From: anna@example.se\r\nTo: ks@example.se\r\n"
        b"Subject: =?utf-8?q?Bygglov=0D=0ABcc=3A_alla=40example=2Ese?=\r\n"
        b"Date: Fri, 04 Dec 2026 10:00:00 +0100\r\n\r\nHej\r\n"
    )
    item = actions.do_take_in_message(mailbox, "INBOX", 3, raw, actor=None)
    assert isinstance(item, InboxItem)
    assert item.subject == "Bygglov Bcc: alla@example.se"

    actions.do_forward_inbox_item(
        item, reason="Gäller Länsstyrelsen.", to_address="registrator@lansstyrelsen.se",
        actor=make_registrar(mailbox.authority),
    )  # fmt: skip

    (sent,) = mail.outbox
    assert sent.to == ["registrator@lansstyrelsen.se"] and sent.bcc == []
    assert "Bygglov Bcc: alla@example.se" in sent.subject
    assert "alla@example.se" not in str(sent.message()["Bcc"] or "")
