"""E-förslag: signed through a link sent by e-mail, counted once per address, and sent
to the board once when the threshold is reached."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from kansli.audit.models import AuditEvent
from kansli.eservices.actions import do_sign_petition
from kansli.eservices.models import Signature
from kansli.eservices.testing import make_council, make_petition
from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.registry.actions import do_void_document
from kansli.registry.models import CaseStatus, Document
from kansli.web import spam

pytestmark = pytest.mark.django_db


def sign(client: Client, petition, email: str, name: str = "Per Persson") -> str:
    """Sign on the public page and return the link sent by e-mail."""
    mail.outbox.clear()
    fields = {"name": name, "email": email} | spam.filled_in()
    response = client.post(f"/e-tjanster/e-forslag/{petition.pk}/", fields)
    assert response.status_code == 200
    (sent,) = mail.outbox
    assert sent.to == [email]
    found = re.search(r"https?://\S+", str(sent.body))
    assert found is not None
    return urlsplit(found.group(0)).path


def test_a_signature_counts_only_once_confirmed_and_once_per_address(
    django_capture_on_commit_callbacks,
):
    petition = make_petition()
    client = Client()
    link = sign(client, petition, "per@example.se")
    assert not Signature.objects.exists()  # not before the link is opened
    token = link.rstrip("/").rsplit("/", 1)[-1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert b"per@example.se" not in decoded and b"Per Persson" not in decoded  # encrypted
    assert client.get(link).status_code == 200
    assert not Signature.objects.exists()  # a GET (a mail scanner) counts nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert "räknad" in client.post(link).content.decode()
    assert petition.signatures.count() == 1
    again = client.post(link).content.decode()
    assert "redan skrivit under" in again
    other_link = sign(client, petition, "PER@example.se", name="Per P")
    client.post(other_link)
    assert petition.signatures.count() == 1
    page = client.get(f"/e-tjanster/e-forslag/{petition.pk}/").content.decode()
    assert "1 av 100 underskrifter" in page
    assert "Per Persson" not in page and "per@example.se" not in page


def test_a_forged_link_counts_nothing():
    petition = make_petition()
    response = Client().post(f"/e-tjanster/e-forslag/bekrafta/{petition.pk}:x:y/")
    assert response.status_code == 400 and not Signature.objects.exists()


@override_settings(EFORSLAG_THRESHOLD=2)
def test_reaching_the_threshold_sends_it_to_the_board_once(django_capture_on_commit_callbacks):
    make_user("registrator", email="registrator@kommun.se",
              roles=[(Role.REGISTRAR, make_council())])  # fmt: skip
    petition = make_petition()
    with django_capture_on_commit_callbacks(execute=True):
        do_sign_petition(petition, "Ett", "ett@example.se", actor=None)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        do_sign_petition(petition, "Två", "tva@example.se", actor=None)
    petition.refresh_from_db()
    assert petition.sent_to_board_at is not None
    case = petition.document.case
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.timeline.filter(kind="petition_sent").count() == 1
    (notice,) = mail.outbox
    assert notice.to == ["registrator@kommun.se"] and petition.receipt_number in notice.subject
    with pytest.raises(ValidationError, match="redan lämnats"):
        do_sign_petition(petition, "Tre", "tre@example.se", actor=None)
    assert AuditEvent.objects.filter(action="eservices.send_petition").count() == 1
    page = Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").content.decode()
    assert "lämnades till" in page and "Skriv under e-förslaget" not in page


def test_a_voided_petition_is_not_shown():
    petition = make_petition()
    assert Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 200
    do_void_document(Document.objects.get(pk=petition.document_id), "Kränkande", actor=None)
    assert Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 404
    assert petition.title not in Client().get("/e-tjanster/").content.decode()
