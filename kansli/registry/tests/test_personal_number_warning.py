"""The registrar is warned of personal identity numbers before a registration without a
secrecy marking is saved."""

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.files.tests import samples
from kansli.org.models import User
from kansli.org.testing import make_authority
from kansli.registry.models import Document
from kansli.registry.testing import make_provision, make_registrar

pytestmark = pytest.mark.django_db
WARNING = "Handlingen innehåller {} personnummer – överväg sekretessmarkering."


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def registrar() -> User:
    return make_registrar(make_authority("KS"))


def form(**changes: Any) -> dict[str, Any]:
    return {
        "mode": "nytt", "authority": make_authority("KS").pk, "title": "Ansökan om bistånd",
        "direction": "inkommen", "document_date": timezone.localdate().isoformat(),
        "counterpart": "Anna Andersson", "description": "Ansökan, sökande 811218-9876",
    } | changes  # fmt: skip


def test_a_number_in_the_text_stops_the_registration_until_confirmed(registrar: User) -> None:
    client = client_for(registrar)
    response = client.post("/registrera/", form())
    assert response.status_code == 200 and WARNING.format(1) in response.content.decode()
    assert not Document.objects.exists()
    assert client.post("/registrera/", form(personal_numbers_ok="on")).status_code == 302
    assert Document.objects.count() == 1
    # Registered unmarked although warned: the audit event keeps that it was confirmed.
    events = AuditEvent.objects.filter(action="registry.register_document")
    assert (events.get().after or {})["personal_numbers_confirmed"] is True


def test_a_secrecy_marking_needs_no_confirmation(registrar: User) -> None:
    response = client_for(registrar).post("/registrera/", form(secrecy=make_provision().pk))
    assert response.status_code == 302
    assert Document.objects.get().secrecy is not None
    event = AuditEvent.objects.get(action="registry.register_document")
    assert "personal_numbers_confirmed" not in (event.after or {})


def test_numbers_in_a_file_count_too(registrar: User) -> None:
    letter = samples.pdf("Sökande 19811218-9876 och medsökande 701063-2391")
    upload = SimpleUploadedFile("ansokan.pdf", letter, content_type="application/pdf")
    response = client_for(registrar).post(
        "/registrera/", form(description="Ansökan", uploads=[upload])
    )
    assert WARNING.format(2) in response.content.decode()
    assert not Document.objects.exists()


def test_the_live_checks_warn_while_typing_and_on_choosing_a_file(registrar: User) -> None:
    client = client_for(registrar)
    typed = client.post("/registrera/kontroll/", form()).content.decode()
    assert WARNING.format(1) in typed
    marked = client.post("/registrera/kontroll/", form(secrecy=make_provision().pk))
    assert "personnummer" not in marked.content.decode()
    upload = SimpleUploadedFile("intyg.pdf", samples.pdf("Patient 811218-9876"))
    chosen = client.post("/registrera/kontroll/filer/", {"uploads": [upload]}).content.decode()
    assert WARNING.format(1) in chosen
    assert not Document.objects.exists()


NOT_CHECKED = "En fil kunde inte läsas igenom efter personnummer inom tidsgränsen."


def test_a_file_not_read_in_the_requests_time_is_confirmed_not_registered_unwarned(
    registrar: User, settings: Any
) -> None:
    """A Word file has no check on storing that would stop it: a scan cut short by the
    request's time is no file without numbers. The registrar confirms it (or marks it,
    or tries again), as for a number found."""
    settings.REQUEST_SECONDS = 0
    letter = samples.word("Sökande 811218-9876")
    client = client_for(registrar)
    upload = SimpleUploadedFile("ansokan.docx", letter)
    response = client.post("/registrera/", form(description="Ansökan", uploads=[upload]))
    assert response.status_code == 200 and NOT_CHECKED in response.content.decode()
    assert 'name="personal_numbers_ok"' in response.content.decode()
    assert not Document.objects.exists()
    chosen = client.post("/registrera/kontroll/filer/", {"uploads": [upload]})
    assert NOT_CHECKED in chosen.content.decode()
    upload = SimpleUploadedFile("ansokan.docx", letter)
    confirmed = form(description="Ansökan", uploads=[upload], personal_numbers_ok="on")
    assert client.post("/registrera/", confirmed).status_code == 302
    assert Document.objects.get().files.count() == 1
    settings.REQUEST_SECONDS = 20
    upload = SimpleUploadedFile("ansokan.docx", letter)
    response = client.post("/registrera/", form(description="Ansökan", uploads=[upload]))
    assert WARNING.format(1) in response.content.decode()


def test_a_pdf_not_checked_in_the_requests_time_is_asked_for_again_not_a_500(
    registrar: User, settings: Any
) -> None:
    """The form shown again stores its files to keep them; the PDF's check on storing
    has no time left either: the file is to be attached again, nothing is saved."""
    settings.REQUEST_SECONDS = 0
    upload = SimpleUploadedFile("ansokan.pdf", samples.pdf("Sökande 811218-9876"))
    response = client_for(registrar).post(
        "/registrera/", form(description="Ansökan", uploads=[upload])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_CHECKED in page and "hann inte kontrolleras inom sidans tidsgräns" in page
    assert not Document.objects.exists()


def test_numbers_in_an_inbox_emails_attachment_count_too(registrar: User) -> None:
    from kansli.files.store import store_bytes
    from kansli.registry.actions import do_receive_in_inbox

    ks = make_authority("KS")
    data = samples.eml(attachments={"intyg.pdf": samples.pdf("Patient 19811218-9876")})
    item = do_receive_in_inbox(ks, store_bytes(data, "brev.eml"), "brev.eml", actor=registrar)
    registration = {
        "mode": "nytt", "title": "Läkarintyg", "counterpart": "Vårdcentralen",
        "document_date": timezone.localdate().isoformat(), "description": "Intyg",
    }  # fmt: skip
    client = client_for(registrar)
    response = client.post(f"/registrera/inkorg/{item.pk}/", registration)
    assert response.status_code == 200 and WARNING.format(1) in response.content.decode()
    assert not Document.objects.exists()
    confirmed = registration | {"personal_numbers_ok": "on"}
    assert client.post(f"/registrera/inkorg/{item.pk}/", confirmed).status_code == 302
    assert Document.objects.count() == 1


def _kept_token(html: str) -> str:
    import re

    found = re.search(r'name="kept_uploads" value="([^"]+)"', html)
    assert found is not None, "the form carries no kept files"
    return found.group(1)


def test_an_attached_file_survives_the_confirmation(registrar: User) -> None:
    """Issue 12, part 10: the browser does not send the file again with the confirming
    submit; the form keeps it, and the registration gets the same bytes."""
    client = client_for(registrar)
    letter = samples.pdf("Ansökan om bistånd")
    first = client.post("/registrera/", form(uploads=[SimpleUploadedFile("ansokan.pdf", letter)]))
    html = first.content.decode()
    assert WARNING.format(1) in html and not Document.objects.exists()
    assert "Bifogade filer som behålls" in html and "ansokan.pdf" in html
    confirmed = client.post(
        "/registrera/", form(personal_numbers_ok="on", kept_uploads=_kept_token(html))
    )
    assert confirmed.status_code == 302
    (attached,) = Document.objects.get().files.all()
    assert attached.name == "ansokan.pdf"
    assert attached.stored.sha256 == hashlib.sha256(letter).hexdigest()


def test_kept_files_are_only_for_the_user_who_attached_them(registrar: User) -> None:
    html = (
        client_for(registrar)
        .post(
            "/registrera/", form(uploads=[SimpleUploadedFile("ansokan.pdf", samples.pdf("Intyg"))])
        )
        .content.decode()
    )
    token = _kept_token(html)
    other = make_registrar(make_authority("KS"), username="annan")
    for client, value in ((client_for(other), token), (client_for(registrar), token[:-2] + "xx")):
        answer = client.post("/registrera/", form(personal_numbers_ok="on", kept_uploads=value))
        assert answer.status_code == 200
        assert "kunde inte behållas: bifoga dem igen" in answer.content.decode()
    assert not Document.objects.exists()
