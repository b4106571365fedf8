"""The survey pages, and anonymity and leaks tested as those who must not learn: the
system administrator, a curious colleague, an elected member, the public."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.surveys import actions
from kansli.surveys.models import Answer, Invitation, Response, Survey
from kansli.surveys.testing import answer_round, make_survey
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db
K1 = datetime.date(2026, 2, 2)
SECRET = "Chefen lyssnar aldrig"


@pytest.fixture(autouse=True)
def swedish(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def answered() -> tuple[Survey, list[Any]]:
    """Five officers, four answered anonymously; people[0] wrote the comment."""
    survey, people = make_survey()
    answer_round(survey, people, [(1, 5), (4, 4), (4, 2), (5, 1)], K1, [SECRET])
    return survey, people


def test_answering_in_the_browser_once() -> None:
    survey, people = make_survey()
    round_ = actions.do_open_round(survey, actor=None)
    a, b = round_.statements.order_by("position")
    browser = signed_in(people[0])
    assert f"/enkater/omgang/{round_.pk}/" in browser.get("/").content.decode()
    page = browser.get(f"/enkater/omgang/{round_.pk}/")
    assert "Påstående A" in page.content.decode()
    bad = browser.post(f"/enkater/omgang/{round_.pk}/", {f"s{a.pk}": "3"})
    assert bad.status_code == 200 and "Välj ett svar." in bad.content.decode()
    assert not Response.objects.exists()
    done = browser.post(f"/enkater/omgang/{round_.pk}/", {f"s{a.pk}": "3", f"s{b.pk}": "vet_ej"})
    assert done.status_code == 302
    assert sorted((x.value or 0) for x in Answer.objects.all()) == [0, 3]
    again = browser.get(f"/enkater/omgang/{round_.pk}/")
    assert "redan" in again.content.decode() or "har svarat" in again.content.decode()
    browser.post(f"/enkater/omgang/{round_.pk}/", {f"s{a.pk}": "1", f"s{b.pk}": "1"})
    assert Response.objects.count() == 1
    assert f"/enkater/omgang/{round_.pk}/" not in browser.get("/").content.decode()


def test_nothing_ties_an_anonymous_answer_to_a_person(answered: Any) -> None:
    _survey, people = answered
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"created_at", "answered_at", "invitation"}
    assert not {f.name for f in Answer._meta.get_fields()} & {"created_at", "user"}
    assert not {f.name for f in Invitation._meta.get_fields()} & {"answered_at", "response"}
    assert all(r.user_id is None for r in Response.objects.all())
    assert not AuditEvent.objects.filter(action="surveys.answer").exists()
    for person in people:
        assert not AuditEvent.objects.filter(actor=person).exists()
    # The keys are random: the row order is not the order of answering.
    orders = set()
    for _ in range(6):
        survey2, people2 = make_survey(statements=["X"], officers=3)
        answer_round(survey2, people2, [(1,), (2,), (3,)], K1)
        responses = Response.objects.filter(round__survey=survey2)
        orders.add(tuple(r.answers.get().value for r in responses))
    assert len(orders) > 1


def test_the_admin_sees_figures_never_names(answered: Any) -> None:
    survey, people = answered
    admin = signed_in(make_sysadmin())
    page = admin.get(f"/enkater/{survey.pk}/").content.decode()
    assert "3,50" in page and "80,0" in page and SECRET in page
    csv = admin.get(f"/enkater/{survey.pk}/resultat.csv").content.decode()
    assert "3.5" in csv and "80.0" in csv
    for person in people:
        assert person.username not in page and person.username not in csv
    assert admin.get("/admin/surveys/response/").status_code == 404


def test_below_the_threshold_nothing_is_shown(settings: Any) -> None:
    settings.KANSLI_SURVEY_MIN_ANSWERS = 5
    survey, people = make_survey()
    answer_round(survey, people, [(1, 5), (4, 4), (4, 2), (5, 1)], K1, [SECRET])
    admin = signed_in(make_sysadmin())
    page = admin.get(f"/enkater/{survey.pk}/").content.decode()
    assert SECRET not in page and "3,50" not in page and "80,0" in page
    assert "3.5" not in admin.get(f"/enkater/{survey.pk}/resultat.csv").content.decode()


def test_a_curious_colleague_and_a_member_see_nothing(answered: Any) -> None:
    survey, people = answered
    colleague, member = people[1], make_user(roles=[(Role.ELECTED, survey.authority)])
    other_manager = make_user(roles=[(Role.MANAGER, make_authority("BUN", "BUN"))])
    round_ = survey.rounds.get()
    for user in (colleague, member, other_manager):
        browser = signed_in(user)
        for url in (f"/enkater/{survey.pk}/", f"/enkater/{survey.pk}/resultat.csv",
                    f"/enkater/{survey.pk}/andra/"):  # fmt: skip
            assert browser.get(url).status_code == 404, (user, url)
        assert SECRET not in browser.get("/enkater/").content.decode()
    assert signed_in(member).get(f"/enkater/omgang/{round_.pk}/").status_code == 404
    assert signed_in(other_manager).post(f"/enkater/{survey.pk}/oppna/").status_code == 404


def test_respondents_see_results_only_when_the_survey_allows(answered: Any) -> None:
    survey, people = answered
    actions.do_change_survey(survey, statements=["Påstående A", "Påstående B"],
                             results_to_respondents=True, actor=None)  # fmt: skip
    page = signed_in(people[1]).get(f"/enkater/{survey.pk}/").content.decode()
    assert "3,50" in page and people[0].username not in page
    assert "oppna" not in page and "andra" not in page  # no keeping for a respondent
    member = make_user(roles=[(Role.ELECTED, survey.authority)])
    assert signed_in(member).get(f"/enkater/{survey.pk}/").status_code == 404


def test_the_public_sees_nothing(answered: Any) -> None:
    survey, _people = answered
    public = Client()
    for url in ("/enkater/", f"/enkater/{survey.pk}/", f"/enkater/{survey.pk}/resultat.csv",
                f"/enkater/omgang/{survey.rounds.get().pk}/"):  # fmt: skip
        response = public.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_a_manager_keeps_the_survey_and_follow_ups_in_the_browser(answered: Any) -> None:
    survey, people = answered
    manager = make_user(roles=[(Role.MANAGER, survey.authority)])
    browser = signed_in(manager)
    new = browser.get("/enkater/ny/").content.decode()
    assert "Jag har en mall att fylla i för tjänsteutlåtandet" in new
    statement = survey.statements.first()
    assert statement is not None
    bad = browser.post(f"/enkater/{survey.pk}/atgard/", {"text": "Mall", "owner": people[0].pk,
                                                        "due": "nästa vecka"})  # fmt: skip
    assert bad.status_code == 200 and not survey.follow_ups.exists()
    made = browser.post(f"/enkater/{survey.pk}/atgard/", {
        "text": "Ta fram en mall", "owner": people[0].pk, "due": "2026-06-30",
        "statements": [statement.pk]})  # fmt: skip
    assert made.status_code == 302
    follow_up = survey.follow_ups.get()
    owner = signed_in(people[0])
    assert "/enkater/" in owner.get("/").content.decode()
    assert "Ta fram en mall" in owner.get("/enkater/").content.decode()
    owner.post(f"/enkater/atgard/{follow_up.pk}/", {"status": "klar"})
    follow_up.refresh_from_db()
    assert follow_up.status == "klar"
    assert signed_in(people[1]).post(f"/enkater/atgard/{follow_up.pk}/",
                                     {"status": "planerad"}).status_code == 404  # fmt: skip
    changed = browser.post(f"/enkater/{survey.pk}/andra/", {
        "title": "Ny rubrik", "to_officers": "on", "recurrence": "kvartal",
        "window_days": "10", "statements": "Påstående A\nNytt påstående"})  # fmt: skip
    assert changed.status_code == 302
    assert [s.text for s in Survey.objects.get(pk=survey.pk).current_statements()] == [
        "Påstående A", "Nytt påstående"]  # fmt: skip
    assert timezone.localdate()  # the page renders with today's rounds
