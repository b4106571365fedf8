"""Publishing a registered file in the e-diary (issue 12, part 8: the action had no way
in). A registrar publishes from the case page; the e-diary's masking cannot reach inside
a file, so files with personal identity numbers, of a private person's case, of secret
or voided documents, or not yet read, are refused with the reason."""

from __future__ import annotations

import pytest
from django.test import Client

from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.public.models import PublishedFile
from kansli.registry.actions import do_attach_file
from kansli.registry.models import DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db


def attached(text: str | None, **document: object) -> DocumentFile:
    """A PDF showing the text (None: a damaged PDF, whose text cannot be read)."""
    case = make_case("Bygglov för Storgatan 1", authority=make_authority("KS"))
    found = make_incoming(case, counterpart="Bygg AB", **document)
    data = samples.pdf(text) if text is not None else samples.pdf("Ansökan")[:600]
    stored = store_bytes(data, "ansokan.pdf")
    extract_file_text.call(stored.pk)
    return do_attach_file(found, stored, "ansokan.pdf", actor=None)


def client_for(role: Role) -> tuple[Client, User]:
    user = make_user(roles=[(role, make_authority("KS"))])
    client = Client()
    client.force_login(user)
    return client, user


def test_a_registrar_publishes_a_file_from_the_case_page() -> None:
    document_file = attached("Ansökan om bygglov för ett garage")
    client, _user = client_for(Role.REGISTRAR)
    case_page = f"/arenden/{document_file.document.case_id}/"
    assert "Publicera ansokan.pdf i e-diariet" in client.get(case_page).content.decode()
    answer = client.post(f"/diarium/publicera/{document_file.pk}/", follow=True)
    assert "ansokan.pdf är publicerad i e-diariet." in answer.content.decode()
    assert "Publicerad i e-diariet" in answer.content.decode()
    assert Client().get(f"/diarium/filer/{document_file.pk}/ansokan.pdf").status_code == 200


@pytest.mark.parametrize(
    ("text", "document", "reason"),
    [
        ("Sökande 811218-9876", {}, "innehåller personnummer"),
        ("Ansökan", {"counterpart_is_private": True}, "gäller en privatperson"),
        (None, {}, "kunde inte läsas"),
    ],
    ids=["personal-number", "private-person", "unreadable"],
)
def test_a_file_the_masking_cannot_reach_is_refused_with_the_reason(
    text: str | None, document: dict[str, object], reason: str
) -> None:
    document_file = attached(text, **document)
    client, _user = client_for(Role.REGISTRAR)
    answer = client.post(f"/diarium/publicera/{document_file.pk}/", follow=True)
    assert reason in answer.content.decode()
    assert not PublishedFile.objects.exists()
    assert Client().get(f"/diarium/filer/{document_file.pk}/ansokan.pdf").status_code == 404


def test_only_the_authoritys_registrar_publishes() -> None:
    document_file = attached("Ansökan om bygglov")
    officer, _user = client_for(Role.OFFICER)
    case_page = officer.get(f"/arenden/{document_file.document.case_id}/").content.decode()
    assert "i e-diariet" not in case_page
    officer.post(f"/diarium/publicera/{document_file.pk}/")
    outsider = Client()
    outsider.force_login(make_user(roles=[(Role.REGISTRAR, make_authority("BN", "Byggnämnden"))]))
    refused = outsider.post(f"/diarium/publicera/{document_file.pk}/", follow=True)
    assert "ansokan.pdf publicerades inte" in refused.content.decode()
    assert not PublishedFile.objects.exists()
    secret = attached("Läkarintyg", secrecy=make_provision())
    assert outsider.post(f"/diarium/publicera/{secret.pk}/").status_code == 404


def test_a_published_file_is_withdrawn_when_its_registration_is_voided_or_made_secret() -> None:
    """The gate (kansli.access.rules.public_reads_file) judges the registration as it is
    now: a file published before its registration was voided or secrecy-marked is no
    longer given to the public, on the case page or by its address."""
    from kansli.registry.actions import do_mark_secrecy, do_void_document

    for change in ("void", "secret"):
        document_file = attached("Ansökan om bygglov för ett garage")
        client, registrar = client_for(Role.REGISTRAR)
        client.post(f"/diarium/publicera/{document_file.pk}/")
        address = f"/diarium/filer/{document_file.pk}/ansokan.pdf"
        assert Client().get(address).status_code == 200
        document = document_file.document
        if change == "void":
            do_void_document(document, "Fel ärende", actor=registrar)
        else:
            do_mark_secrecy(document, make_provision(), actor=registrar)
        assert Client().get(address).status_code == 404
        case = document.case
        public_case = f"/diarium/{case.authority.code}/{case.year}/{case.number}/"
        assert address not in Client().get(public_case).content.decode()
