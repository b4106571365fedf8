"""The registry API: who may call it, what it registers, and how it refuses."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
NOT_FOUND = {"detail": "Hittades inte."}


def key_for(user: User) -> str:
    _token, key = org_actions.do_create_api_token(user, "E-tjänst", actor=None)
    return key


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def letter(**changes: Any) -> dict[str, Any]:
    return {
        "direction": "inkommen",
        "document_date": YESTERDAY.isoformat(),
        "description": "Ansökan om bygglov",
        "counterpart": "Anna Andersson",
    } | changes


def other_municipality_authority() -> Authority:
    return org_actions.do_create_authority(
        make_municipality("Annan kommun"), Authority.Kind.EXECUTIVE, "AKS", "Annan KS", actor=None
    )


def test_a_key_a_session_or_nothing() -> None:
    registrar = make_registrar(username="reg")
    case = make_case()
    url = f"/api/v1/cases/{case.pk}"
    anonymous = Client().get(url)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Bearer"
    assert "Inloggning krävs" in anonymous.json()["detail"]
    assert Client().get(url, headers=bearer("not-a-key")).status_code == 401
    by_key = Client().get(url, headers=bearer(key_for(registrar)))
    assert by_key.status_code == 200
    assert by_key.json()["case_number"] == case.case_number
    session = Client()
    session.force_login(registrar)
    assert session.get(url).json()["id"] == case.pk


def test_a_revoked_key_or_an_inactive_account_is_refused() -> None:
    registrar = make_registrar(username="reg")
    token, key = org_actions.do_create_api_token(registrar, "E-tjänst", actor=None)
    url = f"/api/v1/cases/{make_case().pk}"
    assert Client().get(url, headers=bearer(key)).status_code == 200
    org_actions.do_revoke_api_token(token, actor=None)
    assert Client().get(url, headers=bearer(key)).status_code == 401
    other = key_for(registrar)
    org_actions.do_change_user(registrar, is_active=False, actor=None)
    assert Client().get(url, headers=bearer(other)).status_code == 401


def test_a_session_must_send_the_csrf_token_to_change_anything() -> None:
    registrar = make_registrar(username="reg")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(registrar)
    body = {"authority": "KS", "title": "Skrivelse om snöröjning"}
    refused = browser.post("/api/v1/cases", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF-kontrollen misslyckades")
    assert not Case.objects.exists()
    secret = get_random_string(32)  # as if a page had set the CSRF cookie
    browser.cookies["csrftoken"] = secret
    created = browser.post(
        "/api/v1/cases", body, content_type="application/json", headers={"X-CSRFToken": secret}
    )
    assert created.status_code == 201
    keyed = Client(enforce_csrf_checks=True).post(
        "/api/v1/cases", body, content_type="application/json", headers=bearer(key_for(registrar))
    )
    assert keyed.status_code == 201  # a key needs no CSRF token


def test_registering_a_case_and_a_document_through_the_api() -> None:
    registrar = make_registrar(username="reg")
    client = Client(headers=bearer(key_for(registrar)))
    answer = client.post(
        "/api/v1/cases",
        {"authority": "ks", "title": "Ansökan om bygglov, Storgatan 1"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    case = answer.json()
    assert case["case_number"] == f"KS {TODAY.year}/1"
    assert (case["authority"], case["status"], case["documents"]) == ("KS", "oppnat", [])
    provision = make_provision()
    added = client.post(
        f"/api/v1/cases/{case['id']}/documents",
        letter(secrecy=provision.reference, withhold_counterpart=True),
        content_type="application/json",
    )
    assert added.status_code == 201
    document = added.json()
    assert document["document_number"] == f"KS {TODAY.year}/1-1"
    assert document["case_number"] == case["case_number"]
    assert document["direction"] == "inkommen"
    assert document["document_date"] == YESTERDAY.isoformat()
    assert (document["counterpart"], document["description"]) == (
        "Anna Andersson",
        "Ansökan om bygglov",
    )
    assert document["secrecy"] == "OSL 39 kap. 3 §"
    assert document["withhold_counterpart"] is True
    assert document["secrecy_marked_at"] is not None
    saved = Document.objects.get(pk=document["id"])
    assert saved.registered_by == registrar
    assert client.get(f"/api/v1/documents/{saved.pk}").json() == document
    assert client.get(f"/api/v1/cases/{case['id']}").json()["documents"] == [document]
    events = AuditEvent.objects.filter(actor=registrar).values_list("action", flat=True)
    # Reading the secrecy-marked registration back is logged (issue 4: the read log).
    assert list(events) == [
        "registry.register_case",
        "registry.register_document",
        "access.read",  # the document
        "access.read",  # the case, which shows it
    ]
    assert verify().ok


def test_refused_input_answers_422_in_swedish_and_saves_nothing() -> None:
    registrar = make_registrar(username="reg")
    case = make_case()
    client = Client(headers=bearer(key_for(registrar)))
    before = AuditEvent.objects.count()
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    answer = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        letter(document_date=tomorrow, description="  "),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "Datumet kan inte ligga i framtiden. Beskriv kort vad handlingen gäller.",
        "errors": {
            "document_date": ["Datumet kan inte ligga i framtiden."],
            "description": ["Beskriv kort vad handlingen gäller."],
        },
    }
    schema = client.post(
        f"/api/v1/cases/{case.pk}/documents",
        {"direction": "okänd", "document_date": "i går"},
        content_type="application/json",
    )
    assert schema.status_code == 422
    assert schema.json()["errors"] == {
        "direction": ["Välj något av 'inkommen', 'upprattad', 'utgaende' eller 'pm'."],
        "document_date": ["Ange ett datum ÅÅÅÅ-MM-DD."],
        "description": ["Uppgiften saknas."],
    }
    unreadable = client.post("/api/v1/cases", "{", content_type="application/json")
    assert (unreadable.status_code, unreadable.json()) == (
        400, {"detail": "Begäran kunde inte läsas: skicka JSON."},
    )  # fmt: skip
    unknown = client.post(
        "/api/v1/cases", {"authority": "XX", "title": "Ett"}, content_type="application/json"
    )
    assert unknown.json()["errors"] == {"authority": ["Okänd myndighet: XX."]}
    assert Document.objects.count() == 0
    assert Case.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_a_caller_without_the_role_is_refused_with_403() -> None:
    case = make_case()
    archivist = make_user("ark", roles=[(Role.ARCHIVIST, make_authority())])
    client = Client(headers=bearer(key_for(archivist)))
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200
    answer = client.post(
        f"/api/v1/cases/{case.pk}/documents", letter(), content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer.json() == {"detail": "Du har inte behörighet att registrera för KS."}
    assert not Document.objects.exists()


def test_what_the_caller_may_not_see_looks_exactly_like_what_does_not_exist() -> None:
    document = make_incoming()
    outsider = make_user("annan", roles=[(Role.REGISTRAR, other_municipality_authority())])
    client = Client(headers=bearer(key_for(outsider)))
    hidden_case = client.get(f"/api/v1/cases/{document.case_id}")
    missing_case = client.get(f"/api/v1/cases/{document.case_id + 1000}")
    assert (hidden_case.status_code, hidden_case.content) == (404, missing_case.content)
    assert hidden_case.json() == NOT_FOUND
    hidden = client.get(f"/api/v1/documents/{document.pk}")
    missing = client.get(f"/api/v1/documents/{document.pk + 1000}")
    assert (hidden.status_code, hidden.content) == (404, missing.content)
    adding = client.post(
        f"/api/v1/cases/{document.case_id}/documents", letter(), content_type="application/json"
    )
    assert (adding.status_code, adding.json()) == (404, NOT_FOUND)
    assert client.get("/api/v1/cases").json() == {"items": [], "count": 0}


def test_the_case_list_is_filtered_and_paginated() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    for n in range(3):
        make_case(f"KS-ärende {n}", authority=ks)
    make_case("Förra året", authority=ks, opened_at=timezone.now() - datetime.timedelta(days=400))
    make_case("BUN-ärende", authority=bun)
    client = Client(headers=bearer(key_for(make_registrar(ks, "reg"))))
    listing = client.get("/api/v1/cases", {"authority": "KS", "year": str(TODAY.year)}).json()
    assert listing["count"] == 3
    assert [c["case_number"] for c in listing["items"]] == [
        f"KS {TODAY.year}/{n}" for n in (3, 2, 1)
    ]
    page = client.get("/api/v1/cases", {"page": 2, "page_size": 2}).json()
    assert page["count"] == 5 and len(page["items"]) == 2
    assert client.get("/api/v1/cases", {"status": "avslutat"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"status": "oppnat"}).json()["count"] == 5
    bad = client.get("/api/v1/cases", {"year": "förra"})
    assert (bad.status_code, bad.json()["errors"]) == (422, {"year": ["Ange ett heltal."]})


def test_the_openapi_description_lists_the_paths() -> None:
    answer = Client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    schema = answer.json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/documents",
            "/api/v1/documents/{document_id}", "/api/v1/documents/{document_id}/files",
            "/api/v1/files/{file_id}", "/api/v1/search"} <= set(schema["paths"])  # fmt: skip
    document = schema["components"]["schemas"]["DocumentOut"]["properties"]
    assert {"document_number", "case_number", "secrecy", "withhold_counterpart"} <= set(document)
    assert Client().get("/api/v1/docs").status_code == 200


def test_a_key_is_marked_used_at_most_once_a_minute() -> None:
    registrar = make_registrar(username="reg")
    token, key = org_actions.do_create_api_token(registrar, "E-tjänst", actor=None)
    client = Client(headers=bearer(key))
    client.get("/api/v1/cases")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/cases")
    token.refresh_from_db()
    assert token.last_used_at == first
    type(token).objects.filter(pk=token.pk).update(
        last_used_at=first - datetime.timedelta(minutes=2)
    )
    client.get("/api/v1/cases")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client: Client, document: Document, name: str, data: bytes, **form: Any) -> Any:
    return client.post(
        f"/api/v1/documents/{document.pk}/files",
        {"file": SimpleUploadedFile(name, data), **form},
    )


@pytest.mark.usefixtures("media")
def test_files_are_uploaded_in_versions_and_downloaded() -> None:
    registrar = make_registrar(username="reg")
    document = make_incoming()
    client = Client(headers=bearer(key_for(registrar)))
    letter_pdf = samples.pdf("Ansökan om bygglov")
    first = upload(client, document, "ansokan.pdf", letter_pdf)
    assert first.status_code == 201
    attached = first.json()
    assert (attached["name"], attached["version"], attached["current"]) == (
        "ansokan.pdf", 1, True,
    )  # fmt: skip
    assert (attached["content_type"], attached["size"]) == ("application/pdf", len(letter_pdf))
    second = upload(client, document, "ansokan.pdf", samples.pdf("Rättad"), replaces=attached["id"])
    assert (second.status_code, second.json()["version"]) == (201, 2)
    files = client.get(f"/api/v1/documents/{document.pk}").json()["files"]
    assert [(f["version"], f["current"]) for f in files] == [(1, False), (2, True)]
    download = client.get(f"/api/v1/files/{attached['id']}")
    assert download.status_code == 200
    assert download.getvalue() == letter_pdf
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="ansokan.pdf"'
    events = AuditEvent.objects.filter(action="registry.attach_file", actor=registrar)
    assert events.count() == 2


@pytest.mark.usefixtures("media")
def test_refused_uploads_leave_no_file_behind() -> None:
    document = make_incoming()
    client = Client(headers=bearer(key_for(make_registrar(username="reg"))))
    program = upload(client, document, "faktura.exe", b"MZ\x90\x00" + b"\x00" * 60)
    assert program.status_code == 422
    assert list(program.json()["errors"]) == ["file"]
    disguised = upload(client, document, "brev.pdf", samples.png())
    assert (disguised.status_code, list(disguised.json()["errors"])) == (422, ["file"])
    not_its_own = upload(client, document, "brev.pdf", samples.pdf(), replaces=999)
    assert not_its_own.json()["errors"] == {"replaces": ["Handlingen har ingen fil med id 999."]}
    archivist = make_user("ark", roles=[(Role.ARCHIVIST, make_authority())])
    refused = upload(Client(headers=bearer(key_for(archivist))), document, "brev.pdf",
                     samples.pdf())  # fmt: skip
    assert refused.status_code == 403
    assert not StoredFile.objects.exists()
    assert not DocumentFile.objects.exists()


@pytest.mark.usefixtures("media")
def test_files_the_caller_may_not_see_look_like_files_that_do_not_exist() -> None:
    document = make_incoming()
    client = Client(headers=bearer(key_for(make_registrar(username="reg"))))
    file_id = upload(client, document, "brev.pdf", samples.pdf()).json()["id"]
    outsider = make_user("annan", roles=[(Role.REGISTRAR, other_municipality_authority())])
    other = Client(headers=bearer(key_for(outsider)))
    hidden, missing = other.get(f"/api/v1/files/{file_id}"), other.get("/api/v1/files/999999")
    assert (hidden.status_code, hidden.content) == (404, missing.content)
    assert upload(other, document, "brev.pdf", samples.pdf()).json() == NOT_FOUND


def test_search_finds_what_the_caller_may_see() -> None:
    document = make_incoming(make_case("Bygglov för Storgatan 1"), description="Ritningar")
    empty = make_case("Bygglov för förskola")
    client = Client(headers=bearer(key_for(make_registrar(username="reg"))))
    found = client.get("/api/v1/search", {"q": "bygglov"}).json()
    assert found["has_more"] is False
    assert [(hit["case"]["id"], hit["document"] and hit["document"]["id"]) for hit in
            found["items"]] == [(empty.pk, None), (document.case_id, document.pk)]  # fmt: skip
    assert found["items"][1]["document"]["document_number"] == document.document_number
    page = client.get("/api/v1/search", {"q": "bygglov", "limit": "1"}).json()
    assert (len(page["items"]), page["has_more"]) == (1, True)
    narrowed = client.get("/api/v1/search", {"q": "bygglov", "direction": "inkommen"}).json()
    assert [hit["document"]["id"] for hit in narrowed["items"]] == [document.pk]
    assert client.get("/api/v1/search").json()["errors"] == {"q": ["Uppgiften saknas."]}
    unknown = client.get("/api/v1/search", {"q": "x", "authority": "XX"}).json()
    assert unknown["errors"] == {"authority": ["Okänd myndighet: XX."]}
    outsider = make_user("annan", roles=[(Role.REGISTRAR, other_municipality_authority())])
    other = Client(headers=bearer(key_for(outsider)))
    nothing = other.get("/api/v1/search", {"q": "bygglov"}).json()
    assert nothing == {"items": [], "has_more": False, "count": 0}
    assert found["count"] == 2 and page["count"] == 2
    later = client.get("/api/v1/search", {"q": "bygglov", "limit": "1", "offset": "1"}).json()
    assert later["count"] is None  # counted on the first page only
    named = client.get("/api/v1/search", {"q": "", "who": "anna andersson"}).json()
    assert [hit["document"]["id"] for hit in named["items"]] == [document.pk]
    cases = client.get("/api/v1/search", {"q": "bygglov", "kind": "cases"}).json()
    assert [hit["case"]["id"] for hit in cases["items"]] == [empty.pk, document.case_id]
    only = client.get("/api/v1/search", {"q": "bygglov", "kind": "documents"}).json()
    assert [hit["document"]["id"] for hit in only["items"]] == [document.pk]
    typed = client.get("/api/v1/search", {"q": "bygglov", "document_type": "Beslut"}).json()
    assert typed["items"] == [] and typed["count"] == 0
