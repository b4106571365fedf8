"""The person search for a request under GDPR art. 15: every source, who may search, what
is marked for a secrecy review, the register extract as PDF and CSV, the audit event
that names nobody, and hostile input. Built through the real actions."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from pypdf import PdfReader

from kansli.audit.models import AuditEvent
from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests.samples import pdf
from kansli.meetings import actions as meetings
from kansli.meetings.testing import make_body, make_meeting, make_member
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.privacy.actions import do_search_person, person_digest
from kansli.privacy.finder import AUDIT, COUNTERPARTS, MEETINGS, PARTIES, TEXTS, Found, Person
from kansli.privacy.forms import PersonSearchForm
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document
from kansli.registry.testing import make_case, make_incoming, make_provision

pytestmark = pytest.mark.django_db

NAME = "Åsa Öberg"
NUMBER = "19850612-1238"  # a valid number (Luhn), made up
URL = "/personuppgifter/"


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS")


@pytest.fixture
def registrar(ks: Authority) -> User:
    return make_user("registrator", roles=[(Role.REGISTRAR, ks)], first_name="Rut")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attach_text(document: Document, text: str) -> None:
    stored = store_bytes(pdf("Utredning", text), "utredning.pdf")
    registry.do_attach_file(document, stored, "utredning.pdf", actor=None)
    extract_file_text.call(stored.pk)  # the worker's job, now: the text becomes searchable


@pytest.fixture
def case(ks: Authority) -> Case:
    """A case where the person is a party, a sender, named in a file's text only by
    number, a member of the authority's board who attended its meeting."""
    party = {"name": NAME, "identity_number": NUMBER, "role": "sökande"}
    case = make_case("Ansökan om färdtjänst", authority=ks, parties=[party])
    make_incoming(case, counterpart="Öberg, Åsa", description="Ansökan om färdtjänst")
    report = make_incoming(case, counterpart="Färdtjänstenheten", description="Utredning")
    attach_text(report, "Sökanden 850612-1238 uppfyller villkoren.")
    body = make_body(ks)
    member = make_member(body, first_name="Åsa", last_name="Öberg")
    meeting = make_meeting(body, days_ahead=-1)
    minutes = meetings.do_open_minutes(meeting, approvers=[], actor=None)
    meetings.do_record_attendance(minutes, member, "ledamot", actor=None)
    # Something else that must not be found.
    make_case("Bygglov", authority=ks, parties=[{"name": "Bo Ek"}])
    return case


def search(user: User, **data: str) -> Any:
    return client_for(user).post(URL, data)


def found_of(answer: Any) -> Found:
    assert answer.status_code == 200, answer.content.decode()[:2000]
    found: Found = answer.context["found"]
    assert found is not None, answer.context["form"].errors
    return found


def test_the_search_finds_the_person_in_every_source(case: Case, registrar: User) -> None:
    found = found_of(search(registrar, q="åsa öberg", personnummer=NUMBER))
    for source in (PARTIES, COUNTERPARTS, TEXTS, MEETINGS, AUDIT):
        assert found.groups[source], source
    assert {hit.reference for hit in found.groups[PARTIES]} == {case.case_number}
    assert [hit.reference for hit in found.groups[COUNTERPARTS]] == [f"{case.case_number}-1"]
    assert f"{case.case_number}-2" in {hit.reference for hit in found.groups[TEXTS]}
    assert {hit.what for hit in found.groups[MEETINGS]} >= {"närvaro i protokollet"}
    assert any("registry.add_party" in hit.what or "register_case" in hit.what
               for hit in found.groups[AUDIT])  # fmt: skip
    assert not any("Bygglov" in hit.what for hit in found.hits())
    assert not any(hit.review for hit in found.hits())


def test_the_number_alone_finds_the_party_and_the_text(case: Case, registrar: User) -> None:
    found = found_of(search(registrar, personnummer="850612-1238"))
    assert found.groups[PARTIES] and found.groups[TEXTS]
    assert f"{case.case_number}-2" in {hit.reference for hit in found.groups[TEXTS]}
    assert not found.groups[MEETINGS]  # meetings name people, never their numbers


def test_the_page_lists_the_hits_grouped_by_source(case: Case, registrar: User) -> None:
    page = search(registrar, q=NAME).content.decode()
    for heading in ("Parter i ärenden", "Avsändare och mottagare", "Sammanträden", "Händelselogg"):
        assert heading in page
    assert case.case_number in page


def test_only_registrars_archivists_and_superusers_may_search(case: Case, ks: Authority) -> None:
    officer = make_user("handlaggare", roles=[(Role.OFFICER, ks)])
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    for outsider in (officer, manager):
        client = client_for(outsider)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"q": NAME}).status_code == 404
        api = client.post("/api/v1/person-search", {"authority": "KS", "name": NAME},
                          content_type="application/json")  # fmt: skip
        assert api.status_code == 404
        with pytest.raises(PermissionDenied):
            do_search_person(ks, Person(NAME), actor=outsider)
    assert Client().get(URL).status_code == 302  # to the login page
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    assert found_of(search(archivist, q=NAME)).groups[COUNTERPARTS]
    superuser = make_sysadmin()  # the system administrator role makes a superuser
    assert superuser.is_superuser
    answer = search(superuser, q=NAME, authority=str(ks.pk))
    assert answer.status_code == 200 and answer.context["found"] is not None
    # A registrar of another authority may not choose KS.
    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    elsewhere = make_user("bunreg", roles=[(Role.REGISTRAR, bun)])
    answer = search(elsewhere, q=NAME, authority=str(ks.pk))
    assert answer.status_code == 200 and answer.context["found"] is None
    assert not AuditEvent.objects.filter(action="privacy.search_person", actor=elsewhere)


def test_a_secret_document_is_marked_for_review_not_left_out(
    case: Case, ks: Authority, registrar: User
) -> None:
    secret = make_incoming(
        case, counterpart=NAME, description="Läkarintyg", secrecy=make_provision("OSL 25 kap. 1 §"),
        actor=registrar,
    )  # fmt: skip
    found = found_of(search(registrar, q=NAME))
    hit = next(h for h in found.groups[COUNTERPARTS] if h.reference == secret.document_number)
    assert "OSL 25 kap. 1 §" in hit.review
    # The case's other hits: the case holds a secrecy-marked document the registrar reads.
    assert all(h.review for h in found.groups[PARTIES])
    page = search(registrar, q=NAME).content.decode()
    assert "sekretessprövning krävs" in page
    # Another registrar, who may not read the secret document, neither sees nor counts it.
    other = make_user("registrator2", roles=[(Role.REGISTRAR, ks)])
    theirs = found_of(search(other, q=NAME))
    assert secret.document_number not in {h.reference for h in theirs.hits()}
    assert "Läkarintyg" not in search(other, q=NAME).content.decode()


def test_a_protected_identity_is_marked_for_the_registrar_and_hidden_from_others(
    ks: Authority, registrar: User
) -> None:
    party = {"name": NAME, "identity_number": NUMBER, "protected_identity": True}
    case = make_case("Ansökan om bistånd", authority=ks, parties=[party])
    found = found_of(search(registrar, personnummer=NUMBER))
    assert [h.reference for h in found.groups[PARTIES]] == [case.case_number]
    assert "OSL 21 kap. 3 §" in found.groups[PARTIES][0].review
    archivist = make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)])
    theirs = found_of(search(archivist, personnummer=NUMBER))
    assert theirs.total == 0
    assert NAME not in search(archivist, q=NAME).content.decode().replace('value="Åsa Öberg"', "")


def test_the_pdf_extract_holds_the_hits(case: Case, registrar: User) -> None:
    make_incoming(case, counterpart=NAME, description="Läkarintyg",
                  secrecy=make_provision("OSL 25 kap. 1 §"), actor=registrar)  # fmt: skip
    answer = search(registrar, q=NAME, personnummer=NUMBER, format="pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    assert "Öberg" not in answer["Content-Disposition"]  # the file name names nobody
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    text = " ".join(text.split())
    assert "Registerutdrag" in text
    assert NAME in text and NUMBER in text
    assert f"{case.case_number}-1" in text and f"{case.case_number}-3" in text
    assert "Parter i ärenden" in text and "Händelselogg" in text
    assert "sekretessprövning krävs" in text and "OSL 25 kap. 1 §" in text
    event = AuditEvent.objects.filter(action="privacy.search_person").latest("seq")
    assert event.after is not None and event.after["output"] == "pdf"


def test_the_csv_extract_guards_against_formulas(case: Case, registrar: User) -> None:
    make_incoming(case, counterpart="=HYPERLINK(Åsa Öberg)", description="Brev")
    answer = search(registrar, q=NAME, format="csv")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Källa", "Beteckning", "Vad"]
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(Åsa Öberg)" in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_the_audit_event_names_nobody(case: Case, registrar: User, ks: Authority) -> None:
    found = found_of(search(registrar, q=NAME, personnummer=NUMBER))
    event = AuditEvent.objects.get(action="privacy.search_person")
    content = json.dumps(
        [event.actor_label, event.object_label, event.before, event.after], ensure_ascii=False
    )
    for clear in ("Åsa", "Öberg", "åsa", "öberg", "850612", "1238"):
        assert clear not in content
    assert event.object_type == "org.authority" and event.object_id == str(ks.pk)
    assert event.after is not None
    assert event.after["hits"] == found.total and event.after["per_source"][PARTIES] >= 1
    assert event.after["person_digest"] == person_digest(Person(NAME, NUMBER))
    # The same person however typed: case, spacing, century, separator.
    assert person_digest(Person("ÅSA  öberg", "850612-1238")) == event.after["person_digest"]
    assert person_digest(Person("Åsa Öberg", "")) != event.after["person_digest"]
    # The search itself is never found as a hit of a later search.
    again = found_of(search(registrar, q=NAME, personnummer=NUMBER))
    assert not any("privacy" in hit.what for hit in again.groups[AUDIT])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Ange ett namn eller ett personnummer."),
        ({"q": "   "}, "Ange ett namn eller ett personnummer."),
        ({"q": "x" * 10_000}, "Namnet får vara högst 200 tecken."),
        ({"q": "a"}, "Ange minst två bokstäver av namnet."),
        ({"q": "a " * 100}, "Ange högst tio ord av namnet."),
        ({"personnummer": "12345"}, "Ange ett giltigt personnummer"),
        ({"personnummer": "19850612-1239"}, "Ange ett giltigt personnummer"),
        ({"personnummer": "1" * 10_000}, "Ange ett giltigt personnummer"),
    ],
)
def test_hostile_input_gets_a_swedish_message(
    case: Case, registrar: User, data: dict[str, str], message: str
) -> None:
    answer = search(registrar, **data)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert answer.context["found"] is None
    assert not AuditEvent.objects.filter(action="privacy.search_person").exists()


def test_a_lone_surrogate_gets_a_swedish_message(case: Case, registrar: User) -> None:
    # A browser's bytes of "\ud800" are not UTF-8: Django reads them as U+FFFD, which
    # is neither a letter nor a digit.
    expected = {"q": "Ange minst två bokstäver av namnet.",
                "personnummer": "Ange ett giltigt personnummer"}  # fmt: skip
    for field, message in expected.items():
        answer = client_for(registrar).post(
            URL, f"{field}=%ED%A0%80".encode(), content_type="application/x-www-form-urlencoded"
        )
        assert answer.status_code == 200
        assert message in answer.content.decode()
    # The character itself, as the form may be given it.
    authorities = [(str(case.authority_id), "KS")]
    for field in ("q", "personnummer"):
        form = PersonSearchForm({field: "\ud800"}, authorities=authorities)
        assert not form.is_valid()
        assert "inte kan sparas (NUL eller ett halvt teckenpar)" in str(form.errors[field])
    # Through the API: JSON may carry the escape itself.
    answer = client_for(registrar).post(
        "/api/v1/person-search",
        json.dumps({"authority": "KS", "name": "\ud800"}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "inte kan sparas" in answer.json()["detail"]
    assert not AuditEvent.objects.filter(action="privacy.search_person").exists()


def test_the_api_answers_grouped_hits(case: Case, registrar: User) -> None:
    client = client_for(registrar)
    answer = client.post(
        "/api/v1/person-search",
        {"authority": "ks", "name": NAME, "personal_number": NUMBER},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["authority"] == "KS" and body["hits"] >= 5
    sources = {s["source"]: s for s in body["sources"]}
    assert sources[PARTIES]["hits"][0]["reference"] == case.case_number
    refused = client.post(
        "/api/v1/person-search",
        {"authority": "KS", "personal_number": "12345"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "personal_number" in refused.json()["errors"]
    assert client.post(
        "/api/v1/person-search", {"authority": "BUN", "name": NAME},
        content_type="application/json",
    ).status_code == 404  # fmt: skip
