"""The case page's forms for the case itself: its particulars (title, classification,
unit), the day to decide it by, and its related cases. Who may use each is the action's
to decide; the page offers a form only to those it would allow."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_municipality, make_unit, make_user
from kansli.registry import actions
from kansli.registry.models import Case, Classification
from kansli.registry.scheme import parse_scheme
from kansli.registry.testing import make_case, make_registrar
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def ks() -> Authority:
    return make_authority("KS", "Kommunstyrelsen")


@pytest.fixture
def case(ks: Authority) -> Case:
    return make_case("Bygglov för carport", authority=ks)


@pytest.fixture
def officer(ks: Authority, case: Case) -> User:
    officer = make_user("handlaggare", roles=[(Role.OFFICER, ks)])
    actions.do_assign_officer(case, officer, actor=make_registrar(ks, "utser"))
    return officer


@pytest.fixture
def colleague(ks: Authority) -> User:
    """An officer of the authority who is not the case's officer: registers, but does not
    handle the case."""
    return make_user("kollega", roles=[(Role.OFFICER, ks)])


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_the_officer_changes_the_title_classification_and_unit(
    case: Case, officer: User, ks: Authority
) -> None:
    actions.do_load_classification_scheme(
        ks, parse_scheme("kod;rubrik\n1;Bygg\n1.1;Bygglov\n"), actor=None
    )
    process = Classification.objects.get(authority=ks, code="1.1")
    unit = make_unit("Samhällsbyggnad")
    client = signed_in(officer)
    assert (
        f'action="/arenden/{case.pk}/andra/"' in client.get(f"/arenden/{case.pk}/").content.decode()
    )
    data = {"title": "Bygglov för garage", "classification": process.pk, "unit": unit.pk}
    response = client.post(f"/arenden/{case.pk}/andra/", data, follow=True)
    case.refresh_from_db()
    assert (case.title, case.classification, case.unit) == ("Bygglov för garage", process, unit)
    assert sv("The case is changed.") in response.content.decode()
    (event,) = events("registry.change_case")
    assert event.actor == officer and event.before == {
        "title": "Bygglov för carport", "classification": None, "unit": None,
    }  # fmt: skip
    assert (event.after or {})["title"] == "Bygglov för garage"
    assert "Ärendets uppgifter ändrades." in response.content.decode()  # the timeline


def test_a_refused_change_is_shown_on_the_form_and_nothing_is_saved(
    case: Case, officer: User
) -> None:
    other = Classification.objects.create(authority=make_authority("BUN"), code="9", title="X")
    client = signed_in(officer)
    blank = client.post(f"/arenden/{case.pk}/andra/", {"title": "  "})
    assert blank.status_code == 200 and sv("Enter the case title.") in blank.content.decode()
    foreign = client.post(f"/arenden/{case.pk}/andra/", {"title": "Ny", "classification": other.pk})
    assert foreign.status_code == 200 and 'role="alert"' in foreign.content.decode()
    too_long = client.post(f"/arenden/{case.pk}/andra/", {"title": "x" * 501})
    assert too_long.status_code == 200 and 'role="alert"' in too_long.content.decode()
    case.refresh_from_db()
    assert case.title == "Bygglov för carport" and case.classification is None
    assert not events("registry.change_case")


def test_the_action_refuses_a_classification_or_unit_from_elsewhere(case: Case) -> None:
    other = Classification.objects.create(authority=make_authority("BUN"), code="9", title="X")
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    foreign_unit = org_actions.do_create_unit(place, "enhet", "Grannenheten", actor=None)
    with pytest.raises(ValidationError) as error:
        actions.do_change_case(case, classification=other, unit=foreign_unit, actor=None)
    assert error.value.message_dict == {
        "classification": ["Klassificeringen hör till en annan myndighet."],
        "unit": ["Enheten hör till en annan kommun."],
    }


def test_only_those_who_handle_the_case_may_change_it(
    case: Case, officer: User, colleague: User
) -> None:
    client = signed_in(colleague)
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    for form in ("andra", "besluta-senast"):
        assert f'action="/arenden/{case.pk}/{form}/"' not in page
    assert client.get(f"/arenden/{case.pk}/andra/").status_code == 403
    assert client.post(f"/arenden/{case.pk}/andra/", {"title": "Annat"}).status_code == 403
    day = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert client.post(f"/arenden/{case.pk}/besluta-senast/", {"due_date": day}).status_code == 403
    case.refresh_from_db()
    assert case.title == "Bygglov för carport" and case.due_date is None
    assert not events("registry.change_case") and not events("registry.set_due_date")


def test_a_title_naming_a_protected_person_is_changed_only_by_who_sees_the_name(
    case: Case, officer: User, ks: Authority
) -> None:
    """A manager handles the case but does not see protected identities: the form would
    show, and could save, "Skyddad identitet" in the title."""
    actions.do_add_party(case, "Bo Bengtsson", protected_identity=True, actor=None)
    actions.do_change_case(case, title="Bygglov för Bo Bengtsson", actor=None)
    manager = signed_in(make_user("chef", roles=[(Role.MANAGER, ks)]))
    assert (
        f'action="/arenden/{case.pk}/andra/"'
        not in manager.get(f"/arenden/{case.pk}/").content.decode()
    )
    assert (
        manager.post(f"/arenden/{case.pk}/andra/", {"title": "Skyddad identitet"}).status_code
        == 404
    )
    page = signed_in(officer).get(f"/arenden/{case.pk}/andra/").content.decode()
    assert 'value="Bygglov för Bo Bengtsson"' in page
    case.refresh_from_db()
    assert case.title == "Bygglov för Bo Bengtsson"


def test_the_day_to_decide_by_is_set_and_cleared(case: Case, officer: User) -> None:
    client = signed_in(officer)
    day = TODAY + datetime.timedelta(days=30)
    response = client.post(
        f"/arenden/{case.pk}/besluta-senast/", {"due_date": day.isoformat()}, follow=True
    )
    case.refresh_from_db()
    assert case.due_date == day
    html = response.content.decode()
    assert sv("The case is to be decided by %(day)s.", day=day.isoformat()) in html
    assert f"<dd>{day.isoformat()}</dd>" in html
    (event,) = events("registry.set_due_date")
    assert event.actor == officer and (event.after or {})["due_date"] == day.isoformat()
    cleared = client.post(f"/arenden/{case.pk}/besluta-senast/", {"due_date": ""}, follow=True)
    case.refresh_from_db()
    assert case.due_date is None
    assert sv("The case has no day to decide by.") in cleared.content.decode()
    assert len(events("registry.set_due_date")) == 2


def test_a_refused_day_is_shown_on_the_form(case: Case, officer: User) -> None:
    client = signed_in(officer)
    url = f"/arenden/{case.pk}/besluta-senast/"
    before_opening = client.post(url, {"due_date": "2000-01-01"}).content.decode()
    assert "Dagen kan inte ligga före ärendets öppnande." in before_opening
    out_of_range = client.post(url, {"due_date": "1800-01-01"}).content.decode()
    assert sv("Give a date between 1900 and 2200.") in out_of_range
    assert sv("Enter a valid date.") in client.post(url, {"due_date": "i morgon"}).content.decode()
    case.refresh_from_db()
    assert case.due_date is None and not events("registry.set_due_date")


def test_a_closed_case_takes_no_day(case: Case, officer: User) -> None:
    actions.do_change_case_status(case, "avslutat", actor=officer)
    client = signed_in(officer)
    assert (
        'action="/arenden/' + str(case.pk) + '/besluta-senast/"'
        not in client.get(f"/arenden/{case.pk}/").content.decode()
    )
    day = (TODAY + datetime.timedelta(days=3)).isoformat()
    assert client.post(f"/arenden/{case.pk}/besluta-senast/", {"due_date": day}).status_code == 403


def test_relating_by_case_number(case: Case, ks: Authority, colleague: User) -> None:
    other = make_case("Tidigare bygglov", authority=ks)
    client = signed_in(colleague)  # officers register: relating is theirs too
    page = client.get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/relatera/"' in page
    number = other.case_number.replace(" ", "-")  # any common spelling
    response = client.post(f"/arenden/{case.pk}/relatera/", {"case_number": number}, follow=True)
    html = response.content.decode()
    assert sv("The case is related to %(number)s.", number=other.case_number) in html
    assert f'<a href="/arenden/{other.pk}/">{other.case_number}</a>' in html
    assert list(other.related.all()) == [case]
    (event,) = events("registry.relate_cases")
    assert event.actor == colleague and event.after == {"related": other.pk}
    assert other.timeline.filter(text=f"Relaterat till {case.case_number}.").exists()
    again = client.post(f"/arenden/{case.pk}/relatera/", {"case_number": other.case_number})
    assert "Ärendena är redan relaterade." in again.content.decode()
    itself = client.post(f"/arenden/{case.pk}/relatera/", {"case_number": case.case_number})
    assert "Ett ärende kan inte relateras till sig självt." in itself.content.decode()
    assert len(events("registry.relate_cases")) == 1


def test_a_case_the_user_may_not_see_is_answered_like_one_that_does_not_exist(
    case: Case, colleague: User
) -> None:
    place = org_actions.do_create_municipality("Grannkommun", actor=None)
    neighbour = org_actions.do_create_authority(
        place, Authority.Kind.EXECUTIVE, "GKS", "Grannkommunens KS", actor=None
    )
    hidden = make_case("Grannens ärende", authority=neighbour)
    client = signed_in(colleague)
    unknown_number = f"GKS {hidden.year}/{hidden.number + 1}"
    unknown = client.post(f"/arenden/{case.pk}/relatera/", {"case_number": unknown_number})
    invisible = client.post(f"/arenden/{case.pk}/relatera/", {"case_number": hidden.case_number})
    assert unknown.status_code == invisible.status_code == 200
    assert sv("The case does not exist.") in invisible.content.decode()
    assert without_tokens(invisible.content.decode()).replace(hidden.case_number, "N") == (
        without_tokens(unknown.content.decode()).replace(unknown_number, "N")
    )
    assert not case.related.exists() and not events("registry.relate_cases")


def test_relating_to_another_municipalitys_case_is_refused_by_the_action(case: Case) -> None:
    """Even by someone who sees both (the system, a system administrator)."""
    neighbour = org_actions.do_create_authority(
        org_actions.do_create_municipality("Grannkommun", actor=None),
        Authority.Kind.EXECUTIVE, "GKS", "Grannkommunens KS", actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        actions.do_relate_cases(case, make_case(authority=neighbour), actor=None)
    assert error.value.messages == ["Ärendet hör till en annan kommun och kan inte relateras."]
    assert not case.related.exists()


def test_who_does_not_register_for_the_authority_may_not_relate(case: Case, ks: Authority) -> None:
    other = make_case("Annat", authority=ks)
    archivist = signed_in(make_user("arkivarie", roles=[(Role.ARCHIVIST, ks)]))
    page = archivist.get(f"/arenden/{case.pk}/").content.decode()
    assert f'action="/arenden/{case.pk}/relatera/"' not in page
    answer = archivist.post(f"/arenden/{case.pk}/relatera/", {"case_number": other.case_number})
    assert answer.status_code == 403 and not case.related.exists()


def test_a_related_case_the_reader_may_not_see_is_not_shown_at_all(
    case: Case, colleague: User
) -> None:
    """A relation across municipalities made before the action refused them (e.g. in
    the system the registry was imported from): the other municipality's case is left
    out of the page, number, title and link, for everyone who may not see it."""
    neighbour = org_actions.do_create_authority(
        make_municipality("Grannkommun"), Authority.Kind.EXECUTIVE, "GKS", "Grannens KS",
        actor=None,
    )  # fmt: skip
    hidden = make_case("Grannens hemliga sak", authority=neighbour)
    case.related.add(hidden)
    html = signed_in(colleague).get(f"/arenden/{case.pk}/").content.decode()
    assert hidden.case_number not in html and "Grannens hemliga sak" not in html
    assert f"/arenden/{hidden.pk}/" not in html
    assert sv("No related cases.") in html
    other_side = signed_in(make_registrar(neighbour, "grannreg"))
    html = other_side.get(f"/arenden/{hidden.pk}/").content.decode()
    assert "Grannens hemliga sak" in html
    assert f"/arenden/{case.pk}/" not in html and "Bygglov för carport" not in html
