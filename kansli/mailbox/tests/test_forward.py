"""Misaddressed mail (felsänd post) forwarded from the inbox, and the quarantine page:
only the authority's registrars, with a record of who, when, where to and why."""

from __future__ import annotations

from email import message_from_bytes
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.mailbox import actions
from kansli.mailbox.models import InboxForwarding
from kansli.mailbox.testing import PASSWORD_ENV, message
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_receive_in_inbox
from kansli.registry.models import InboxItem
from kansli.registry.testing import make_registrar
from kansli.subprocesses import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def item() -> InboxItem:
    raw = message(7)
    return do_receive_in_inbox(
        make_authority("KS"), store_bytes(raw, "synpunkt.eml"), "synpunkt.eml", actor=None
    )


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def forward_url(item: InboxItem) -> str:
    return f"/registrera/inkorg/{item.pk}/vidarebefordra/"


def test_forwarded_to_another_authority_moves_to_its_inbox(item: InboxItem) -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    registrar, their_registrar = make_registrar(item.authority), make_registrar(bun)
    client = client_for(registrar)
    assert b"vidarebefordra" in client.get("/registrera/inkorg/").content

    answer = client.post(
        forward_url(item), {"to_authority": bun.pk, "reason": "Gäller en skola, inte KS."}
    )

    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.authority == bun
    forwarding = InboxForwarding.objects.get(item=item)
    assert (forwarding.from_authority.code, forwarding.to_authority, forwarding.forwarded_by) == (
        "KS", bun, registrar,
    )  # fmt: skip
    assert forwarding.reason == "Gäller en skola, inte KS."
    event = AuditEvent.objects.get(action="mailbox.forward_inbox_item")
    after = event.after or {}
    assert (event.actor_id, after["to"], after["from"]) == (registrar.pk, "BUN", "KS")
    assert client.get(forward_url(item)).status_code == 404  # no longer KS's
    theirs = client_for(their_registrar).get("/registrera/inkorg/")
    assert "Synpunkt nummer 7" in theirs.content.decode()
    assert mail.outbox == []


def test_forwarded_to_an_outside_address_is_emailed_with_the_original(item: InboxItem) -> None:
    client = client_for(make_registrar(item.authority))
    answer = client.post(
        forward_url(item),
        {"to_address": "registrator@lansstyrelsen.example.se", "reason": "Gäller länsstyrelsen."},
    )

    assert answer.status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["registrator@lansstyrelsen.example.se"]
    assert "Gäller länsstyrelsen." in sent.body
    assert "Kommunstyrelsen" in sent.body
    [(name, original, kind)] = sent.attachments
    assert (name, kind) == ("synpunkt.eml", "message/rfc822")
    with item.stored.open() as handle:
        assert message_from_bytes(handle.read())["Message-ID"] == original["Message-ID"]
    forwarding = InboxForwarding.objects.get(item=item)
    assert (forwarding.to_authority, forwarding.to_address) == (
        None,
        "registrator@lansstyrelsen.example.se",
    )
    # It has left the inbox.
    assert "Synpunkt nummer 7" not in client.get("/registrera/inkorg/").content.decode()
    assert client.get(forward_url(item)).status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "Fel myndighet."}, "Välj antingen en myndighet i Kansli eller en adress"),
        ({"to_address": "a@example.se"}, "Detta fält måste fyllas i."),
        ({"to_address": "inte en adress", "reason": "x"}, "Fyll i en giltig e-postadress."),
    ],
)
def test_refused_input_saves_and_sends_nothing(
    item: InboxItem, data: dict[str, str], error: str
) -> None:
    answer = client_for(make_registrar(item.authority)).post(forward_url(item), data)
    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert not InboxForwarding.objects.exists()
    assert mail.outbox == []


def test_both_an_authority_and_an_address_is_refused(item: InboxItem) -> None:
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    data = {"to_authority": other.pk, "to_address": "a@example.se", "reason": "x"}
    answer = client_for(make_registrar(item.authority)).post(forward_url(item), data)
    assert "Välj antingen en myndighet i Kansli eller en adress" in answer.content.decode()
    item.refresh_from_db()
    assert item.authority.code == "KS"


def test_only_the_authoritys_registrars_may_forward(item: InboxItem) -> None:
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    data = {"to_authority": other.pk, "reason": "x"}
    elsewhere = client_for(make_registrar(other))
    assert elsewhere.get(forward_url(item)).status_code == 404
    assert elsewhere.post(forward_url(item), data).status_code == 404
    nobody = client_for(make_user(roles=[(Role.ELECTED, item.authority)]))
    assert nobody.post(forward_url(item), data).status_code == 403
    assert not InboxForwarding.objects.exists()
    with pytest.raises(Exception, match="behörighet"):
        actions.do_forward_inbox_item(item, to_authority=other, reason="x",
                                      actor=make_registrar(other))  # fmt: skip


def test_the_quarantine_is_read_by_the_authoritys_registrars(item: InboxItem) -> None:
    mailbox = actions.do_add_mailbox(
        authority=item.authority, host="imap.example.se", port=993, username="ks",
        password_env=PASSWORD_ENV, folders="INBOX", processed_folder="", active=True,
        actor=None,
    )  # fmt: skip
    actions.do_start_folder(mailbox, "INBOX", 1, actor=None)
    garbage = b"\x01 inget e-brev \xff\r\n" * 5
    held = actions.do_take_in_message(mailbox, "INBOX", 1, garbage, actor=None)
    assert held is not None
    url = f"/registrera/karantan/{held.pk}/fil/"

    registrar = client_for(make_registrar(item.authority))
    page = registrar.get("/registrera/karantan/").content.decode()
    assert "E-postfilen kunde inte läsas" in page
    download = registrar.get(url)
    assert b"".join(download.streaming_content) == garbage  # type: ignore[attr-defined]

    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    assert client_for(make_registrar(other)).get(url).status_code == 404
    assert (
        "inget e-brev"
        not in client_for(make_registrar(other)).get("/registrera/karantan/").content.decode()
    )
    assert (
        client_for(make_user(roles=[(Role.ELECTED, item.authority)]))
        .get("/registrera/karantan/")
        .status_code
        == 403
    )


def test_a_mail_server_that_refuses_leaves_the_item_in_the_inbox(
    item: InboxItem, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    client = client_for(make_registrar(item.authority))
    data = {"to_address": "registrator@lansstyrelsen.example.se", "reason": "Fel myndighet."}
    answer = client.post(forward_url(item), data)
    assert answer.status_code == 200
    assert "E-brevet kunde inte skickas" in answer.content.decode()
    assert not InboxForwarding.objects.exists()
    assert not AuditEvent.objects.filter(action="mailbox.forward_inbox_item").exists()
    assert "Synpunkt nummer 7" in client.get("/registrera/inkorg/").content.decode()
