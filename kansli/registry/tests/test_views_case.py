import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from kansli.org import actions as org_actions
from kansli.org.models import Authority, ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar

pytestmark = pytest.mark.django_db


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
def officer(ks: Authority) -> User:
    return make_user(
        "handlaggare", roles=[(Role.OFFICER, ks)], first_name="Johan", last_name="Berg",
        email="johan.berg@example.se",
    )  # fmt: skip


@pytest.fixture
def case(ks: Authority) -> Case:
    return make_case("Bygglov för carport", authority=ks)


def test_a_case_outside_the_users_registry_is_not_found_like_a_missing_one(case: Case) -> None:
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    other = org_actions.do_create_authority(
        place, Authority.Kind.BOARD, "GN", "Grannämnden", actor=None
    )
    outsider = client_for(make_registrar(other))
    elected = make_user("ledamot")
    org_actions.do_grant_role(
        elected, Role.ELECTED, authority=case.authority, position=ElectedPosition.MEMBER,
        actor=None,
    )  # fmt: skip
    missing = outsider.get(f"/arenden/{case.pk + 1000}/")
    assert missing.status_code == 404
    for client in (outsider, client_for(elected)):
        hidden = client.get(f"/arenden/{case.pk}/")
        assert hidden.status_code == 404 and hidden.content == missing.content
        assert client.get(f"/arenden/{case.pk}/handlaggningsbesked.pdf").status_code == 404
        assert client.post(f"/arenden/{case.pk}/status/", {"status": "avslutat"}).status_code == 404
    assert Client().get(f"/arenden/{case.pk}/").status_code == 302


def test_the_case_page_shows_the_case_and_its_documents(
    case: Case, registrar: User, officer: User
) -> None:
    actions.do_assign_officer(case, officer, actor=registrar)
    secret = make_incoming(case, description="Läkarintyg", secrecy=make_provision())
    voided = make_incoming(case, description="Fel ärende")
    actions.do_void_document(voided, "Registrerad i fel ärende", actor=registrar)
    corrected = make_incoming(case, counterpart="Anna Andersson")
    actions.do_correct_document(corrected, "Stavfel", counterpart="Anna Andersén", actor=registrar)
    other = make_case("Tidigare bygglov", authority=case.authority)
    actions.do_relate_cases(case, other, actor=registrar)
    html = client_for(officer).get(f"/arenden/{case.pk}/").content.decode()
    assert case.case_number in html and "Bygglov för carport" in html
    assert "Johan Berg" in html and "KS Kommunstyrelsen" in html
    assert secret.document_number in html
    assert sv("Secrecy marked: %(provision)s", provision="OSL 39 kap. 3 §") in html
    assert f"<s>{voided.document_number}</s>" in html
    assert sv("Voided: %(reason)s", reason="Registrerad i fel ärende") in html
    assert "<del>Anna Andersson</del> → <ins>Anna Andersén</ins>" in html and "Stavfel" in html
    assert other.case_number in html
    assert "Handling 2 makulerades" in html  # the timeline


def test_a_colleague_is_told_that_secret_documents_are_there_but_not_what_they_are(
    case: Case, registrar: User, officer: User
) -> None:
    """That a document is registered is public (OSL 5 kap. 2 §): a colleague who may not
    read it is told it is there, not that the case is empty."""
    actions.do_assign_officer(case, officer, actor=registrar)
    secret = make_incoming(case, description="Läkarintyg", secrecy=make_provision())
    colleague = make_user("kollega", roles=[(Role.OFFICER, case.authority)])
    html = client_for(colleague).get(f"/arenden/{case.pk}/").content.decode()
    assert sv("No documents are registered in the case yet.") not in html
    assert "1 sekretessmarkerad handling i ärendet visas inte för dig." in html
    assert "Läkarintyg" not in html and secret.document_number not in html
    reader = client_for(officer).get(f"/arenden/{case.pk}/").content.decode()
    assert "visas inte för dig" not in reader and secret.document_number in reader


def test_a_protected_identity_is_shown_only_to_the_officer_and_the_registrars(
    case: Case, registrar: User, officer: User, ks: Authority
) -> None:
    actions.do_add_party(case, "Bo Bengtsson", identity_number="19800101-1234",
                         protected_identity=True, actor=None)  # fmt: skip
    actions.do_add_party(case, "Anna Andersson", role="Sökande", actor=None)
    actions.do_assign_officer(case, officer, actor=registrar)
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    colleague = make_user("kollega", roles=[(Role.OFFICER, ks)])
    for user in (manager, colleague):
        html = client_for(user).get(f"/arenden/{case.pk}/").content.decode()
        assert "Bo Bengtsson" not in html and "19800101-1234" not in html
        assert sv("Protected identity") in html and "Anna Andersson" in html
    for user in (officer, registrar):
        html = client_for(user).get(f"/arenden/{case.pk}/").content.decode()
        assert "Bo Bengtsson" in html and "19800101-1234" in html


def test_forms_are_offered_only_to_those_allowed(
    case: Case, registrar: User, officer: User
) -> None:
    make_incoming(case)
    officer_page = client_for(officer).get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/handlaggare/"' not in officer_page
    assert f"/arenden/{case.pk}/handlingar/1/makulera/" not in officer_page
    assert f"/arenden/{case.pk}/handlingar/1/ratta/" in officer_page  # officers register
    registrar_page = client_for(registrar).get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/handlaggare/"' in registrar_page
    assert f"/arenden/{case.pk}/handlingar/1/makulera/" in registrar_page
    assert client_for(officer).get(f"/arenden/{case.pk}/handlaggare/").status_code == 403
    assert client_for(officer).get(f"/arenden/{case.pk}/handlingar/1/makulera/").status_code == 403


def test_assigning_an_officer(case: Case, registrar: User, officer: User, ks: Authority) -> None:
    client = client_for(registrar)
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert f'<option value="{officer.pk}">Johan Berg</option>' in page
    assert f"/arenden/{case.pk}/handlaggningsbesked.pdf" not in page  # no officer yet
    bad = client.post(f"/arenden/{case.pk}/handlaggare/", {"officer": registrar.pk})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    response = client.post(f"/arenden/{case.pk}/handlaggare/", {"officer": officer.pk}, follow=True)
    case.refresh_from_db()
    assert case.officer == officer and case.status == "under_handlaggning"
    assert sv("%(name)s is now the officer.", name="Johan Berg") in response.content.decode()
    assert f"/arenden/{case.pk}/handlaggningsbesked.pdf" in response.content.decode()


def test_changing_the_status(case: Case, registrar: User, officer: User) -> None:
    actions.do_assign_officer(case, officer, actor=registrar)
    client = client_for(officer)
    assert 'value="makulerat"' not in client.get(f"/arenden/{case.pk}/").content.decode()
    refused = client.post(f"/arenden/{case.pk}/status/", {"status": "makulerat"})
    assert refused.status_code == 200
    assert client.post(f"/arenden/{case.pk}/status/", {"status": "beslutat"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "beslutat"
    registrar_client = client_for(registrar)
    for status in ("avslutat", "under_handlaggning"):  # closed, then opened again
        response = registrar_client.post(f"/arenden/{case.pk}/status/", {"status": status})
        assert response.status_code == 302
    html = registrar_client.post(
        f"/arenden/{case.pk}/status/", {"status": "makulerat", "reason": ""}
    ).content.decode()
    assert sv("Give the reason for voiding the case.") in html
    case.refresh_from_db()
    assert case.status == "under_handlaggning"
    # Needed when voiding, so not labelled optional (issue 12, part 10): its hint says when.
    reason = re.search(r'<label for="id_reason">(.*?)</label>', html, re.S)
    assert reason is not None and "valfritt" not in reason.group(1)
    assert sv("Needed when the case is voided.") in html


def test_voiding_a_document_needs_a_reason(case: Case, registrar: User) -> None:
    document = make_incoming(case)
    url = f"/arenden/{case.pk}/handlingar/{document.number}/makulera/"
    client = client_for(registrar)
    html = client.post(url, {"reason": " "}).content.decode()
    assert 'role="alert"' in html and sv("Give the reason.") in html
    document.refresh_from_db()
    assert not document.is_voided
    assert client.post(url, {"reason": "Fel ärende"}).status_code == 302
    document.refresh_from_db()
    assert document.void_reason == "Fel ärende"
    assert client.get(url).status_code == 403  # already voided
    assert client.get(f"/arenden/{case.pk}/handlingar/99/makulera/").status_code == 404


def test_correcting_a_document_keeps_the_history(case: Case, registrar: User) -> None:
    document = make_incoming(case, counterpart="Anna Andersson", description="Ansökan")
    url = f"/arenden/{case.pk}/handlingar/{document.number}/ratta/"
    client = client_for(registrar)
    form = client.get(url).content.decode()
    assert 'value="Anna Andersson"' in form
    values = {
        "direction": "inkommen",
        "document_date": document.document_date.isoformat(),
        "counterpart": "Anna Andersén",
        "counterpart_address": "",
        "description": "Ansökan",
        "document_type": "",
    }
    assert sv("Give the reason.") in client.post(url, values).content.decode()
    assert not document.corrections.exists()
    response = client.post(url, values | {"reason": "Stavfel"}, follow=True)
    assert sv("%(number)s is corrected.", number=document.document_number) in (
        response.content.decode()
    )
    correction = document.corrections.get()
    assert (correction.before, correction.after, correction.reason) == (
        {"counterpart": "Anna Andersson"}, {"counterpart": "Anna Andersén"}, "Stavfel",
    )  # fmt: skip
    unchanged = client.post(url, values | {"counterpart": "Anna Andersén", "reason": "Igen"})
    assert unchanged.status_code == 302 and document.corrections.count() == 1
    other_date = values | {"counterpart": "Anna Andersén", "document_date": "2020-01-01",
                           "reason": "Datum"}  # fmt: skip
    assert client.post(url, other_date).status_code == 302
    document.refresh_from_db()
    assert document.document_date == datetime.date(2020, 1, 1)
    assert document.corrections.latest("pk").after == {"document_date": "2020-01-01"}


def test_marking_and_lifting_secrecy(case: Case, registrar: User) -> None:
    document = make_incoming(case)
    provision = make_provision("OSL 26 kap. 1 §")
    url = f"/arenden/{case.pk}/handlingar/{document.number}/sekretess/"
    client = client_for(registrar)
    refused = client.post(url, {"secrecy": "", "withhold_counterpart": "on"}).content.decode()
    assert sv("Choose a secrecy provision to withhold details from the record.") in refused
    assert client.post(url, {"secrecy": provision.pk, "withhold_counterpart": "on"}).status_code
    document.refresh_from_db()
    assert document.secrecy == provision and document.withhold_counterpart
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert sv("Secrecy marked: %(provision)s", provision="OSL 26 kap. 1 §") in page
    without_reason = client.post(url, {"secrecy": ""}).content.decode()
    assert "Ange varför sekretessmarkeringen tas bort." in without_reason
    document.refresh_from_db()
    assert document.is_secret
    client.post(url, {"secrecy": "", "reason": "Prövat: inga sekretessuppgifter."})
    document.refresh_from_db()
    assert not document.is_secret


def test_the_acknowledgement_letter_is_a_pdf_with_the_case_number(
    case: Case, registrar: User, officer: User
) -> None:
    make_incoming(case, counterpart="Anna Andersson")
    url = f"/arenden/{case.pk}/handlaggningsbesked.pdf"
    assert client_for(registrar).get(url).status_code == 404  # no officer yet
    actions.do_assign_officer(case, officer, actor=registrar)
    response = client_for(registrar).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert case.case_number in text and "Johan Berg" in text and "Anna Andersson" in text
    assert "johan.berg@example.se" in text and "Handläggningsbesked" in text


def test_the_acknowledgement_can_be_registered_as_outgoing(
    case: Case, registrar: User, officer: User
) -> None:
    make_incoming(case, counterpart="Anna Andersson")
    actions.do_assign_officer(case, officer, actor=registrar)
    response = client_for(registrar).post(f"/arenden/{case.pk}/handlaggningsbesked/registrera/")
    assert response.status_code == 302
    letter = Document.objects.get(case=case, number=2)
    assert (letter.direction, letter.counterpart, letter.description) == (
        "utgaende", "Anna Andersson", "Handläggningsbesked",
    )  # fmt: skip
    attached = DocumentFile.objects.get(document=letter)
    assert attached.name == f"handlaggningsbesked-ks-{case.year}{case.number}.pdf"
    with attached.stored.open() as handle:
        assert handle.read().startswith(b"%PDF")
