import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Authority, ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Document, DocumentFile, InboxItem
from kansli.registry.testing import make_case, make_registrar

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Each test stores its files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def sv(text: str) -> str:
    """A UI string as the Swedish page shows it (the msgid until it is translated)."""
    with translation.override("sv"):
        return escape(translation.gettext(text))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS", "Kommunstyrelsen")


@pytest.fixture
def registrar(ks: Authority) -> User:
    return make_registrar(ks, "registrator")


def receive(authority: Authority, data: bytes, name: str) -> InboxItem:
    return actions.do_receive_in_inbox(authority, store_bytes(data, name), name, actor=None)


def mail_upload(**kwargs: Any) -> SimpleUploadedFile:
    data = samples.eml(attachments={"ritning.pdf": samples.pdf("Ritning över Ängsgården")},
                       **kwargs)  # fmt: skip
    return SimpleUploadedFile("overklagande.eml", data, content_type="message/rfc822")


def test_the_inbox_is_for_those_who_register(ks: Authority) -> None:
    assert Client().get("/registrera/inkorg/").status_code == 302
    elected = make_user("ledamot")
    org_actions.do_grant_role(
        elected, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER, actor=None
    )
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    item = receive(ks, samples.pdf("Brev"), "brev.pdf")
    for user in (elected, archivist):
        client = client_for(user)
        assert client.get("/registrera/inkorg/").status_code == 403
        assert client.get(f"/registrera/inkorg/{item.pk}/").status_code == 403
        assert 'href="/registrera/inkorg/"' not in client.get("/").content.decode()


def test_the_inbox_lists_only_the_waiting_items_of_the_users_authorities(
    ks: Authority, registrar: User
) -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    neighbour = org_actions.do_create_authority(
        place, Authority.Kind.BOARD, "GN", "Grannämnden", actor=None
    )
    older = receive(ks, samples.eml(subject="Äldre ärende om gatubelysning"), "a.eml")
    newer = receive(ks, samples.pdf("Skrivelse"), "skrivelse.pdf")
    InboxItem.objects.filter(pk=older.pk).update(
        received_at=timezone.now() - datetime.timedelta(hours=2)
    )
    registered = receive(ks, samples.pdf("Redan registrerad"), "registrerad.pdf")
    actions.do_register_from_inbox(
        registered, None, title="Registrerad", document_date=TODAY, counterpart="Bo Ek",
        actor=None,
    )  # fmt: skip
    theirs = [
        receive(bun, samples.eml(subject="Skolskjuts till Ängsskolan"), "bun.eml"),
        receive(neighbour, samples.eml(subject="Grannens bygglov"), "gn.eml"),
    ]
    client = client_for(registrar)
    html = client.get("/registrera/inkorg/").content.decode()
    assert html.index("skrivelse.pdf") < html.index("Äldre ärende om gatubelysning")
    assert escape("Åsa Öberg <asa.oberg@example.se>") in html and "2025-03-14" in html
    assert f'href="/registrera/inkorg/{newer.pk}/"' in html
    assert f'href="/registrera/inkorg/{older.pk}/fil/"' in html
    assert "registrerad.pdf" not in html
    assert "Skolskjuts" not in html and "Grannens bygglov" not in html
    assert re.search(r'href="/registrera/inkorg/"[^>]*>[^<]*<span class="count">2 ', html)
    missing = client.get("/registrera/inkorg/999999/")
    assert missing.status_code == 404
    for item in [*theirs, registered]:
        for url in (f"/registrera/inkorg/{item.pk}/", f"/registrera/inkorg/{item.pk}/fil/"):
            hidden = client.get(url)
            assert hidden.status_code == 404 and hidden.content == missing.content


def test_an_uploaded_email_prefills_the_registration(ks: Authority, registrar: User) -> None:
    client = client_for(registrar)
    response = client.post("/registrera/inkorg/", {"authority": ks.pk, "uploads": [mail_upload()]})
    assert response.status_code == 302 and response["Location"] == "/registrera/inkorg/"
    item = InboxItem.objects.get()
    assert (item.name, item.received_by, item.subject) == (
        "overklagande.eml", registrar, "Överklagande av bygglov",
    )  # fmt: skip
    html = client.get(f"/registrera/inkorg/{item.pk}/").content.decode()
    # The sender's name; the e-mail address with the address, which is not public.
    assert 'value="Åsa Öberg"' in html and "asa.oberg@example.se</textarea>" in html
    assert 'value="2025-03-14"' in html  # the day it was sent
    assert html.count('value="Överklagande av bygglov"') == 2  # the title and description
    assert re.search(r'value="nytt"[^>]*checked', html)
    assert 'name="uploads"' not in html and 'name="direction"' not in html
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[a-z_0-9]+)"', html))
    labelled = set(re.findall(r'<label for="(id_[a-z_0-9]+)"', html))
    assert fields and fields <= labelled


def test_an_outlook_message_is_read_too(ks: Authority, registrar: User) -> None:
    upload = SimpleUploadedFile("ansokan.msg", samples.msg())
    client = client_for(registrar)
    page = client.get("/registrera/inkorg/").content.decode()
    # The only authority is not asked for; the form carries it.
    assert f'<input type="hidden" name="authority" value="{ks.pk}"' in page
    response = client.post("/registrera/inkorg/", {"authority": ks.pk, "uploads": [upload]})
    assert response.status_code == 302
    item = InboxItem.objects.get()
    assert (item.sender, item.subject) == (
        "Åsa Öberg <asa.oberg@example.se>", "Bygglov på Ängsvägen 3",
    )  # fmt: skip


def test_registering_from_the_inbox_makes_the_attachments_the_documents_files(
    ks: Authority, registrar: User
) -> None:
    client = client_for(registrar)
    client.post("/registrera/inkorg/", {"authority": ks.pk, "uploads": [mail_upload()]})
    item = InboxItem.objects.get()
    form = {
        "mode": "nytt", "title": "Överklagande av bygglov", "document_date": "2025-03-14",
        "counterpart": item.sender, "description": "Överklagande", "document_type": "E-post",
    }  # fmt: skip
    response = client.post(f"/registrera/inkorg/{item.pk}/", form, follow=True)
    document = Document.objects.get()
    assert response.redirect_chain == [(f"/arenden/{document.case_id}/", 302)]
    assert (document.direction, document.counterpart, document.description) == (
        "inkommen", "Åsa Öberg <asa.oberg@example.se>", "Överklagande",
    )  # fmt: skip
    assert document.case.title == "Överklagande av bygglov" and document.case.authority == ks
    assert document.document_date == datetime.date(2025, 3, 14)
    names = sorted(DocumentFile.objects.filter(document=document).values_list("name", flat=True))
    assert names == ["overklagande.eml", "ritning.pdf"]
    item.refresh_from_db()
    assert item.document == document
    page = response.content.decode()
    assert "ritning.pdf" in page and document.document_number in page
    assert "overklagande.eml" not in client.get("/registrera/inkorg/").content.decode()
    assert client.post(f"/registrera/inkorg/{item.pk}/", form).status_code == 404


def test_an_inbox_item_goes_into_an_existing_case_by_its_number(
    ks: Authority, registrar: User
) -> None:
    case = make_case("Bygglov för carport", authority=ks)
    item = receive(ks, samples.pdf("Komplettering"), "komplettering.pdf")
    client = client_for(registrar)
    form = {
        "mode": "befintligt", "case_number": case.case_number, "title": "",
        "document_date": TODAY.isoformat(), "counterpart": "Anna Andersson",
        "description": "",
    }  # fmt: skip
    html = client.post(f"/registrera/inkorg/{item.pk}/", form).content.decode()
    assert sv("Describe briefly what the document is about.") in html
    assert not Document.objects.exists()
    response = client.post(f"/registrera/inkorg/{item.pk}/", form | {"description": "Ritning"})
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    document = case.documents.get()
    assert DocumentFile.objects.get(document=document).name == "komplettering.pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tom.pdf", b"", "Filen är tom."),
        (
            "faktura.pdf",
            b"Bara text.",
            "Filen heter .pdf men innehållet är vanlig text.",
        ),
        (
            "avklippt.eml",
            samples.eml(attachments={"a.pdf": samples.pdf()})[:700],
            "E-postfilen kunde inte läsas: den tar slut mitt i meddelandet.",
        ),
    ],
    ids=["empty", "disguised", "truncated-mail"],
)
def test_a_bad_upload_is_named_with_the_reason_and_nothing_is_saved(
    ks: Authority, registrar: User, name: str, data: bytes, message: str
) -> None:
    client = client_for(registrar)
    good = SimpleUploadedFile("brev.pdf", samples.pdf("Ett riktigt brev"))
    before = AuditEvent.objects.count()
    response = client.post(
        "/registrera/inkorg/",
        {"authority": ks.pk, "uploads": [good, SimpleUploadedFile(name, data)]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not InboxItem.objects.exists() and not StoredFile.objects.exists()
    assert AuditEvent.objects.count() == before
    summary = html.split('role="alert"')[1].split("</div>")[0]
    assert 'href="#id_uploads"' in summary and escape(f"{name}: {message}") in summary
    assert 'id="id_uploads_error"' in html
    control = re.search(r'<input[^>]*id="id_uploads"[^>]*>', html)
    assert control is not None and 'aria-invalid="true"' in control.group(0)


def test_no_file_and_a_foreign_authority_are_refused(ks: Authority, registrar: User) -> None:
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    client = client_for(registrar)
    html = client.post("/registrera/inkorg/", {"authority": ks.pk}).content.decode()
    assert sv("Choose one or more files.") in html
    upload = SimpleUploadedFile("brev.pdf", samples.pdf())
    response = client.post("/registrera/inkorg/", {"authority": bun.pk, "uploads": [upload]})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not InboxItem.objects.exists()


def test_the_items_file_can_be_read_before_registering(ks: Authority, registrar: User) -> None:
    data = samples.pdf("Yttrande")
    item = receive(ks, data, "Yttrande över detaljplan.pdf")
    response = client_for(registrar).get(f"/registrera/inkorg/{item.pk}/fil/")
    assert response.status_code == 200 and response.getvalue() == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Yttrande%20%C3%B6ver%20detaljplan.pdf"
    )


def test_a_personal_identity_number_in_the_subject_asks_for_confirmation(
    ks: Authority, registrar: User
) -> None:
    item = receive(ks, samples.eml(subject="Ansökan för 19121212-1212"), "ansokan.eml")
    client = client_for(registrar)
    form = {
        "mode": "nytt", "title": item.subject, "document_date": "2025-03-14",
        "counterpart": item.sender, "description": item.subject,
    }  # fmt: skip
    html = client.post(f"/registrera/inkorg/{item.pk}/", form).content.decode()
    assert 'id="id_personal_numbers_ok"' in html and not Document.objects.exists()
    response = client.post(f"/registrera/inkorg/{item.pk}/", form | {"personal_numbers_ok": "on"})
    assert response.status_code == 302 and Document.objects.count() == 1
