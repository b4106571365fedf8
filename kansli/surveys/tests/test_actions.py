"""The survey actions: who may keep a survey, statements never edited once asked, the
audience by role and authority, answering once within the window, and the daily
opening of rounds and the one reminder (the link only)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.surveys import actions
from kansli.surveys.models import FollowUp, Invitation, Response, Statement
from kansli.surveys.testing import answer_round, make_survey

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def mailbox(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_only_a_manager_or_sysadmin_creates_a_survey() -> None:
    ks = make_authority()
    officer = make_user(roles=[(Role.OFFICER, ks)])
    with pytest.raises(PermissionDenied):
        actions.do_create_survey(ks, "Enkät", statements=["A"], actor=officer)
    manager = make_user(roles=[(Role.MANAGER, ks)])
    survey = actions.do_create_survey(ks, "Enkät", statements=["A"], actor=manager)
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    with pytest.raises(PermissionDenied):
        actions.do_create_survey(other, "Enkät", statements=["A"], actor=manager)
    assert actions.do_create_survey(other, "E", statements=["A"], actor=make_sysadmin())
    event = AuditEvent.objects.get(action="surveys.create", object_id=str(survey.pk))
    assert event.actor == manager and (event.after or {})["statements"] == ["A"]


def test_bad_input_saves_nothing() -> None:
    ks = make_authority()
    for statements, options in [([], {}), (["A", "A"], {}), (["A"], {"to_officers": False})]:
        with pytest.raises(ValidationError):
            actions.do_create_survey(ks, "E", statements=statements, actor=None, **options)
    assert not Statement.objects.exists()


def test_an_answered_statement_is_retired_not_edited() -> None:
    survey, people = make_survey(officers=3)
    first = answer_round(survey, people, [(4, 4)], DAY)
    old_a = survey.statements.get(text="Påstående A")
    actions.do_change_survey(survey, statements=["Påstående A, ny lydelse", "Påstående B"],
                             actor=None)  # fmt: skip
    old_a.refresh_from_db()
    assert old_a.retired and old_a.text == "Påstående A"
    assert [s.text for s in survey.current_statements()] == [
        "Påstående A, ny lydelse", "Påstående B"]  # fmt: skip
    assert {s.text for s in first.statements.all()} == {"Påstående A", "Påstående B"}
    nxt = actions.do_open_round(survey, today=DAY + datetime.timedelta(days=90), actor=None)
    assert {s.text for s in nxt.statements.all()} == {"Påstående A, ny lydelse", "Påstående B"}


@pytest.mark.parametrize("anonymous", [True, False])
def test_whether_a_survey_is_anonymous_cannot_change_once_answered(anonymous: bool) -> None:
    """Made anonymous, a named survey would keep the names it holds; made named, an
    anonymous one would tell its respondents something else than they were told."""
    survey, people = make_survey(officers=3, anonymous=anonymous)
    answer_round(survey, people, [(4, 4)], DAY)
    with pytest.raises(ValidationError, match="anonym"):
        actions.do_change_survey(
            survey, statements=["Påstående A", "Påstående B"], anonymous=not anonymous,
            actor=None,
        )  # fmt: skip
    survey.refresh_from_db()
    assert survey.anonymous is anonymous


def test_audience_by_role_and_authority() -> None:
    survey, officers = make_survey(officers=2)
    ks = survey.authority
    member = make_user(roles=[(Role.ELECTED, ks)])
    make_user(roles=[(Role.OFFICER, make_authority("BUN", "Barn- och utbildningsnämnden"))])
    make_user(roles=[(Role.REGISTRAR, ks)])
    round_ = actions.do_open_round(survey, today=DAY, actor=None)
    assert {i.user for i in round_.invitations.all()} == set(officers)
    actions.do_change_survey(survey, statements=["Påstående A", "Påstående B"], actor=None,
                             to_officers=False, to_members=True)  # fmt: skip
    later = actions.do_open_round(survey, today=DAY + datetime.timedelta(days=90), actor=None)
    assert [i.user for i in later.invitations.all()] == [member]
    with pytest.raises(ValidationError):
        actions.do_open_round(survey, today=DAY + datetime.timedelta(days=91), actor=None)


def test_answer_once_inside_the_window() -> None:
    survey, people = make_survey(officers=2)
    round_ = actions.do_open_round(survey, today=DAY, actor=None)
    a, b = round_.statements.order_by("position")
    actions.do_answer(round_, {a.pk: 5, b.pk: None}, actor=people[0], today=DAY)
    with pytest.raises(ValidationError):
        actions.do_answer(round_, {a.pk: 5, b.pk: 5}, actor=people[0], today=DAY)
    with pytest.raises(ValidationError):  # after the last day
        actions.do_answer(round_, {a.pk: 5, b.pk: 5}, actor=people[1],
                          today=round_.closes_on + datetime.timedelta(days=1))  # fmt: skip
    for values in ({a.pk: 6, b.pk: 1}, {a.pk: 1}):
        with pytest.raises(ValidationError):
            actions.do_answer(round_, values, actor=people[1], today=DAY)
    with pytest.raises(PermissionDenied):
        actions.do_answer(round_, {a.pk: 1, b.pk: 1}, actor=make_user(), today=DAY)
    assert Response.objects.count() == 1


def test_remind_opens_each_period_once_and_reminds_once_with_the_link_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey, people = make_survey(officers=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_open_and_remind(today=DAY) == (1, 0)
    assert actions.do_open_and_remind(today=DAY) == (0, 0)
    round_ = survey.rounds.get()
    assert len(mail.outbox) == 2 and f"/enkater/omgang/{round_.pk}/" in mail.outbox[0].body
    a, b = round_.statements.order_by("position")
    actions.do_answer(round_, {a.pk: 2, b.pk: 3}, comment="Hemligt omdöme", actor=people[0],
                      today=DAY)  # fmt: skip
    halfway = DAY + datetime.timedelta(days=7)
    assert actions.do_open_and_remind(today=halfway - datetime.timedelta(days=1)) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_open_and_remind(today=halfway) == (0, 1)
    assert actions.do_open_and_remind(today=halfway) == (0, 0)
    reminder = mail.outbox[-1]
    assert reminder.to == [people[1].email] and reminder.subject.startswith("Påminnelse")
    assert all("Hemligt" not in m.body for m in mail.outbox)
    assert Invitation.objects.filter(reminded=True).count() == 1


def test_follow_up_owner_moves_it_on() -> None:
    survey, people = make_survey()
    owner = people[0]
    follow_up = actions.do_add_follow_up(
        survey, "Ta fram en mall", owner=owner, due=DAY,
        statements=survey.statements.all()[:1], actor=None,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.do_set_follow_up_status(follow_up, FollowUp.Status.DONE, actor=people[1])
    actions.do_set_follow_up_status(follow_up, FollowUp.Status.DONE, actor=owner)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.DONE
    assert AuditEvent.objects.filter(action="surveys.set_follow_up_status", actor=owner).exists()
