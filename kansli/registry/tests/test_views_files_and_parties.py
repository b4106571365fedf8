import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from kansli.access.testing import make_access_group
from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Authority, ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Document, DocumentFile, Party
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar

pytestmark = pytest.mark.django_db
NAME = "Yttrande över detaljplan.pdf"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def sv(text: str, **values: str) -> str:
    with translation.override("sv"):
        message = translation.gettext(text)
    return escape(message % values if values else message)


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


@pytest.fixture
def case(ks: Authority) -> Case:
    return make_case("Detaljplan för Ängsgården", authority=ks)


def attach(document: Document, data: bytes, name: str = NAME, **kwargs: Any) -> DocumentFile:
    return actions.do_attach_file(document, store_bytes(data, name), name, actor=None, **kwargs)


def url(attached: DocumentFile, document: Document | None = None) -> str:
    document = document or attached.document
    return f"/arenden/{document.case_id}/handlingar/{document.number}/filer/{attached.pk}/"


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_a_download_is_the_stored_bytes_under_the_files_name(case: Case, registrar: User) -> None:
    data = samples.pdf("Yttrande över detaljplanen")
    attached = attach(make_incoming(case), data)
    response = client_for(registrar).get(url(attached))
    assert response.status_code == 200 and body(response) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Yttrande%20%C3%B6ver%20detaljplan.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    ascii_name = attach(make_incoming(case), samples.pdf("Brev"), "brev.pdf")
    response = client_for(registrar).get(url(ascii_name))
    assert response["Content-Disposition"] == 'attachment; filename="brev.pdf"'
    assert Client().get(url(attached)).status_code == 302  # to the login page


def test_a_file_one_may_not_reach_answers_like_a_missing_one(
    case: Case, registrar: User, ks: Authority
) -> None:
    first, second = make_incoming(case), make_incoming(case)
    attached = attach(first, samples.pdf("Yttrande"))
    other = attach(second, samples.pdf("Annat"), "annat.pdf")
    secret = make_incoming(case, description="Läkarintyg", secrecy=make_provision())
    secret_file = attach(secret, samples.pdf("Hemligt"), "intyg.pdf")
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    neighbour = org_actions.do_create_authority(
        place, Authority.Kind.BOARD, "GN", "Grannämnden", actor=None
    )
    outsider = client_for(make_registrar(neighbour))
    colleague = client_for(make_user("kollega", roles=[(Role.OFFICER, ks)]))
    client = client_for(registrar)
    missing = client.get(f"/arenden/{case.pk}/handlingar/{first.number}/filer/999999/")
    assert missing.status_code == 404
    for who, path in [
        (client, url(other, first)),  # a file of another document of the case
        (client, f"/arenden/{case.pk}/handlingar/99/filer/{attached.pk}/"),
        (client, f"/arenden/{case.pk + 1}/handlingar/{first.number}/filer/{attached.pk}/"),
        (outsider, url(attached)),  # no role in the municipality
        (colleague, url(secret_file)),  # secrecy-marked, not theirs to read
    ]:
        hidden = who.get(path)
        assert hidden.status_code == 404 and hidden.content == missing.content, path
    assert client.get(url(secret_file)).status_code == 404  # not even for the registrar
    reads = AuditEvent.objects.filter(action="access.read")
    assert not reads.exists()
    member = make_user("hr", roles=[(Role.OFFICER, ks)])
    make_access_group(ks, [member])  # the case moves to its group
    response = client_for(member).get(url(secret_file))
    assert response.status_code == 200 and body(response) == samples.pdf("Hemligt")
    assert reads.get().actor == member  # a secret file's reading is logged


def test_earlier_versions_are_listed_and_can_be_downloaded(case: Case, registrar: User) -> None:
    document = make_incoming(case)
    first = attach(document, samples.pdf("Första utkastet"))
    second = attach(document, samples.pdf("Rättad version"), replaces=first)
    html = client_for(registrar).get(f"/arenden/{case.pk}/").content.decode()
    assert f'href="{url(second)}"' in html and f'href="{url(first)}"' in html
    assert html.index(url(second)) < html.index(url(first))
    assert "PDF" in html and "1 tidigare version" in html
    response = client_for(registrar).get(url(first))
    assert response.status_code == 200 and body(response) == samples.pdf("Första utkastet")


def test_a_file_and_a_new_version_are_added_from_the_case_page(case: Case, registrar: User) -> None:
    document = make_incoming(case)
    client = client_for(registrar)
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/filer/"' in page and 'enctype="multipart/form-data"' in page
    upload = SimpleUploadedFile(NAME, samples.pdf("Version 1"))
    response = client.post(f"/arenden/{case.pk}/filer/", {"document": 1, "upload": upload},
                           follow=True)  # fmt: skip
    first = DocumentFile.objects.get()
    assert (first.document, first.name, first.version, first.added_by) == (
        document, NAME, 1, registrar,
    )  # fmt: skip
    assert sv("%(name)s was added to %(number)s.", name=NAME,
              number=document.document_number) in response.content.decode()  # fmt: skip
    upload = SimpleUploadedFile(NAME, samples.pdf("Version 2"))
    data = {"document": 1, "replaces": first.pk, "upload": upload}
    assert client.post(f"/arenden/{case.pk}/filer/", data).status_code == 302
    second = DocumentFile.objects.get(version=2)
    assert second.replaces == first
    preselected = client.get(f"/arenden/{case.pk}/filer/?handling=1").content.decode()
    assert re.search(r'<option value="1" selected>', preselected)


def test_a_refused_file_or_version_is_shown_and_nothing_is_saved(
    case: Case, registrar: User
) -> None:
    make_incoming(case)
    other = attach(make_incoming(case), samples.pdf("Annan handling"), "annan.pdf")
    client = client_for(registrar)
    program = SimpleUploadedFile("faktura.pdf", b"MZ" + bytes(58) + b"\x40\0\0\0PE\0\0" + bytes(64))
    refused = client.post(f"/arenden/{case.pk}/filer/", {"document": 1, "upload": program})
    summary = refused.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert 'href="#id_upload"' in summary
    assert "Filen heter .pdf men innehållet är ett Windows-program (EXE)." in summary
    assert DocumentFile.objects.count() == 1 and StoredFile.objects.count() == 1
    upload = SimpleUploadedFile("brev.pdf", samples.pdf("Brev"))
    data = {"document": 1, "replaces": other.pk, "upload": upload}
    html = client.post(f"/arenden/{case.pk}/filer/", data).content.decode()
    assert sv("Choose one of the chosen document's files.") in html
    assert DocumentFile.objects.count() == 1


def test_only_those_who_register_may_add_files(case: Case, ks: Authority) -> None:
    make_incoming(case)
    elected = make_user("ledamot")
    org_actions.do_grant_role(
        elected, Role.ELECTED, authority=ks, position=ElectedPosition.MEMBER, actor=None
    )
    archivist = client_for(make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)]))
    assert (
        f'action="/arenden/{case.pk}/filer/"'
        not in archivist.get(f"/arenden/{case.pk}/").content.decode()
    )
    assert archivist.get(f"/arenden/{case.pk}/filer/").status_code == 403
    assert client_for(elected).get(f"/arenden/{case.pk}/filer/").status_code == 404


def test_adding_a_party(case: Case, registrar: User, ks: Authority) -> None:
    client = client_for(registrar)
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/parter/"' in page
    data = {
        "name": "Bo Bengtsson", "role": "Sökande", "identity_number": "19800101-1234",
        "address": "Storgatan 1", "email": "bo@example.se", "protected_identity": "on",
    }  # fmt: skip
    response = client.post(f"/arenden/{case.pk}/parter/", data, follow=True)
    assert sv("The party was added.") in response.content.decode()
    party = Party.objects.get()
    assert (party.case, party.name, party.role, party.identity_number, party.email) == (
        case, "Bo Bengtsson", "Sökande", "19800101-1234", "bo@example.se",
    )  # fmt: skip
    assert party.protected_identity
    assert AuditEvent.objects.filter(action="registry.add_party").exists()
    # The protected identity is shown by the case page's rule: not to a manager.
    manager = client_for(make_user("chef", roles=[(Role.MANAGER, ks)]))
    html = manager.get(f"/arenden/{case.pk}/").content.decode()
    assert "Bo Bengtsson" not in html and sv("Protected identity") in html
    assert "Bo Bengtsson" in client.get(f"/arenden/{case.pk}/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the party's name."),
        ({"name": "Anna", "email": "inte-en-adress"}, "email", None),
        ({"name": "Anna", "identity_number": "19800101-12345678"}, "identity_number", None),
    ],
)
def test_bad_party_input_is_shown_next_to_the_field(
    case: Case, registrar: User, data: dict[str, str], field: str, message: str | None
) -> None:
    response = client_for(registrar).post(f"/arenden/{case.pk}/parter/", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Party.objects.exists()
    summary = html.split('role="alert"')[1].split("</div>")[0]
    assert f'href="#id_{field}"' in summary
    if message:
        assert sv(message) in summary


def test_who_may_add_a_party(case: Case, ks: Authority) -> None:
    archivist = client_for(make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)]))
    assert (
        f"/arenden/{case.pk}/parter/" not in archivist.get(f"/arenden/{case.pk}/").content.decode()
    )
    assert archivist.post(f"/arenden/{case.pk}/parter/", {"name": "X"}).status_code == 403
    # The case's officer may, whatever role they hold.
    officer = make_user("handlaggare", roles=[(Role.OFFICER, ks)])
    actions.do_assign_officer(case, officer, actor=None)
    response = client_for(officer).post(f"/arenden/{case.pk}/parter/", {"name": "Anna"})
    assert response.status_code == 302 and Party.objects.get().name == "Anna"
