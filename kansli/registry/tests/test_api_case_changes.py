"""The API's changes to a case: its particulars (PATCH), the day to decide it by and its
related cases. The actions decide who may (403); what the caller may not see is not
found (404); bad input is refused with 422 and nothing is saved."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_municipality, make_unit, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Classification
from kansli.registry.scheme import parse_scheme
from kansli.registry.testing import make_case, make_registrar
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOT_FOUND = {"detail": "Hittades inte."}


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS", "Kommunstyrelsen")


@pytest.fixture
def case(ks: Authority) -> Case:
    return make_case("Bygglov för carport", authority=ks)


@pytest.fixture
def registrar(ks: Authority) -> Client:
    return api_client(make_registrar(ks, "registrator"))


def neighbours_authority() -> Authority:
    return org_actions.do_create_authority(
        make_municipality("Grannkommun"), Authority.Kind.EXECUTIVE, "GKS", "Grannens KS",
        actor=None,
    )  # fmt: skip


def test_patch_changes_only_the_fields_given(case: Case, ks: Authority, registrar: Client) -> None:
    actions.do_load_classification_scheme(ks, parse_scheme("kod;rubrik\n1;Bygg\n"), actor=None)
    make_unit("Samhällsbyggnad")
    url = f"/api/v1/cases/{case.pk}"
    both = send(registrar, "patch", url, {"classification": "1", "unit": "samhällsbyggnad"})
    assert both.status_code == 200
    assert (both.json()["classification"], both.json()["unit"]) == ("1", "Samhällsbyggnad")
    assert both.json()["title"] == "Bygglov för carport"
    title = send(registrar, "patch", url, {"title": "Bygglov för garage"}).json()
    assert (title["title"], title["classification"], title["unit"]) == (
        "Bygglov för garage", "1", "Samhällsbyggnad",
    )  # fmt: skip
    cleared = send(registrar, "patch", url, {"unit": None}).json()
    assert (cleared["unit"], cleared["classification"]) == (None, "1")
    case.refresh_from_db()
    assert case.title == "Bygglov för garage" and case.unit is None
    assert case.classification == Classification.objects.get(authority=ks, code="1")
    assert AuditEvent.objects.filter(action="registry.change_case").count() == 3


def test_patch_refuses_bad_input_with_422_and_saves_nothing(
    case: Case, ks: Authority, registrar: Client
) -> None:
    Classification.objects.create(authority=make_authority("BUN"), code="9", title="Skola")
    url = f"/api/v1/cases/{case.pk}"
    refusals = {
        "title": ({"title": " "}, "Ange en ärendemening."),
        "classification": ({"classification": "9"}, "KS har ingen klassificering 9."),
        "unit": ({"unit": "Finns inte"}, "Det finns ingen enhet Finns inte."),
    }
    for field, (body, message) in refusals.items():
        answer = send(registrar, "patch", url, body)
        assert (answer.status_code, answer.json()["errors"]) == (422, {field: [message]})
    for title in ("a\x00b", "\ud800", "x" * 501, None):
        answer = send(registrar, "patch", url, {"title": title})
        assert answer.status_code == 422 and set(answer.json()["errors"]) == {"title"}
    case.refresh_from_db()
    assert case.title == "Bygglov för carport" and case.classification is None
    assert not AuditEvent.objects.filter(action="registry.change_case").exists()


def test_who_does_not_handle_the_case_is_refused_and_what_is_hidden_is_not_found(
    case: Case, ks: Authority
) -> None:
    colleague = api_client(make_user("kollega", roles=[(Role.OFFICER, ks)]))
    url = f"/api/v1/cases/{case.pk}"
    refused = send(colleague, "patch", url, {"title": "Annat"})
    assert (refused.status_code, refused.json()) == (
        403, {"detail": "Du har inte behörighet att ändra ärendet för KS."},
    )  # fmt: skip
    day = {"due_date": (TODAY + datetime.timedelta(days=9)).isoformat()}
    assert send(colleague, "put", f"{url}/due-date", day).status_code == 403
    outsider = api_client(make_registrar(neighbours_authority(), "grannreg"))
    for method, path, body in (("patch", "", {"title": "Annat"}), ("put", "/due-date", day),
                               ("post", "/related", {"case_id": case.pk})):  # fmt: skip
        hidden = send(outsider, method, f"{url}{path}", body)
        missing = send(outsider, method, f"/api/v1/cases/{case.pk + 1000}{path}", body)
        assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND) == (
            missing.status_code, missing.json(),
        )  # fmt: skip
    case.refresh_from_db()
    assert case.title == "Bygglov för carport" and case.due_date is None
    assert (
        not AuditEvent.objects.filter(
            actor__isnull=False, object_type="registry.case", object_id=str(case.pk)
        )
        .exclude(action="access.read")
        .exists()
    )


def test_the_day_to_decide_by_is_set_and_cleared(case: Case, registrar: Client) -> None:
    url = f"/api/v1/cases/{case.pk}/due-date"
    day = TODAY + datetime.timedelta(days=30)
    answer = send(registrar, "put", url, {"due_date": day.isoformat()})
    assert (answer.status_code, answer.json()["due_date"]) == (200, day.isoformat())
    case.refresh_from_db()
    assert case.due_date == day
    assert send(registrar, "put", url, {"due_date": None}).json()["due_date"] is None
    case.refresh_from_db()
    assert case.due_date is None
    assert AuditEvent.objects.filter(action="registry.set_due_date").count() == 2
    for body, message in (({"due_date": "1800-01-01"}, "Ange ett datum mellan år 1900 och 2200."),
                          ({}, "Uppgiften saknas."),
                          ({"due_date": "2000-01-01"},
                           "Dagen kan inte ligga före ärendets öppnande.")):  # fmt: skip
        refused = send(registrar, "put", url, body)
        assert (refused.status_code, refused.json()["errors"]) == (422, {"due_date": [message]})
    case.refresh_from_db()
    assert case.due_date is None


def test_relating_by_number_or_id_and_the_detail_lists_them(
    case: Case, ks: Authority, registrar: Client
) -> None:
    first, second = make_case("Första", authority=ks), make_case("Andra", authority=ks)
    url = f"/api/v1/cases/{case.pk}/related"
    by_number = send(registrar, "post", url, {"case_number": first.case_number})
    assert (by_number.status_code, by_number.json()["related"]) == (201, [first.case_number])
    by_id = send(registrar, "post", url, {"case_id": second.pk})
    assert by_id.json()["related"] == [first.case_number, second.case_number]
    assert registrar.get(f"/api/v1/cases/{first.pk}").json()["related"] == [case.case_number]
    assert AuditEvent.objects.filter(action="registry.relate_cases").count() == 2
    again = send(registrar, "post", url, {"case_id": first.pk})
    assert (again.status_code, again.json()["detail"]) == (422, "Ärendena är redan relaterade.")
    nothing = send(registrar, "post", url, {})
    assert nothing.json()["errors"] == {"case_number": ["Ange ärendets nummer eller id."]}
    archivist = api_client(make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)]))
    refused = send(archivist, "post", f"/api/v1/cases/{first.pk}/related", {"case_id": second.pk})
    assert refused.status_code == 403 and not first.related.filter(pk=second.pk).exists()


def test_an_invisible_case_is_answered_exactly_like_an_unknown_one(
    case: Case, registrar: Client
) -> None:
    hidden = make_case("Grannens ärende", authority=neighbours_authority())
    url = f"/api/v1/cases/{case.pk}/related"
    unknown = send(
        registrar, "post", url, {"case_number": f"GKS {hidden.year}/{hidden.number + 1}"}
    )
    invisible = send(registrar, "post", url, {"case_number": hidden.case_number})
    assert invisible.status_code == unknown.status_code == 422
    assert invisible.content == unknown.content
    assert invisible.json()["errors"] == {"case_number": ["Ärendet finns inte."]}
    by_id = send(registrar, "post", url, {"case_id": hidden.pk})
    assert by_id.content == send(registrar, "post", url, {"case_id": hidden.pk + 1000}).content
    assert not case.related.exists()


def test_the_detail_leaves_out_a_related_case_the_caller_may_not_see(
    case: Case, registrar: Client
) -> None:
    """A relation across municipalities made before the action refused them."""
    hidden = make_case("Grannens ärende", authority=neighbours_authority())
    case.related.add(hidden)
    answer = registrar.get(f"/api/v1/cases/{case.pk}")
    assert answer.json()["related"] == [] and hidden.case_number not in answer.content.decode()


def test_a_title_naming_a_protected_person_is_changed_only_by_those_who_see_the_name(
    ks: Authority, registrar: Client
) -> None:
    """A manager handles the case but does not see protected names (OSL 21 kap. 3 §):
    PATCHing back the masked title it was shown would replace the name for good."""
    case = make_case("Bygglov Bo Berg", authority=ks)
    actions.do_add_party(case, "Bo Berg", protected_identity=True, actor=None)
    manager = api_client(make_user("chef", roles=[(Role.MANAGER, ks)]))
    url = f"/api/v1/cases/{case.pk}"
    shown = manager.get(url).json()["title"]
    assert "Bo Berg" not in shown
    answer = send(manager, "patch", url, {"title": shown})
    assert answer.status_code == 403
    case.refresh_from_db()
    assert case.title == "Bygglov Bo Berg"
    # The classification is still theirs to change; the registrar, who sees the name,
    # may change the title.
    assert send(manager, "patch", url, {"classification": None}).status_code == 200
    assert send(registrar, "patch", url, {"title": "Bygglov för Bo Berg"}).status_code == 200


def test_a_closed_or_voided_case_keeps_its_particulars(case: Case, registrar: Client) -> None:
    actions.do_change_case_status(case, "avslutat", actor=None)
    answer = send(registrar, "patch", f"/api/v1/cases/{case.pk}", {"title": "Nytt"})
    assert answer.status_code == 403
    case.refresh_from_db()
    assert case.title == "Bygglov för carport"


def test_a_unit_name_two_units_share_is_refused_not_guessed(case: Case, registrar: Client) -> None:
    make_unit("Kansliet")
    make_unit("kansliet", kind="kontor")
    answer = send(registrar, "patch", f"/api/v1/cases/{case.pk}", {"unit": "Kansliet"})
    assert answer.status_code == 422
    assert "Flera enheter heter Kansliet" in answer.json()["errors"]["unit"][0]
    case.refresh_from_db()
    assert case.unit is None
