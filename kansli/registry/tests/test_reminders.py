"""The morning reminder: each officer who has not turned it off gets one e-mail a day
about their own open cases overdue or due within three working days, naming each case
by number, day and link, never by title."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org.actions import do_set_case_reminders
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import Case, CaseStatus
from kansli.registry.testing import make_case
from kansli.workdays.calendar import add_workdays

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Orosanmälan gällande Kalle Svensson"


@pytest.fixture(autouse=True)
def outbox(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def officer(name: str, **kwargs: Any) -> User:
    return make_user(name, roles=[(Role.OFFICER, make_authority("KS"))],
                     email=f"{name}@example.se", **kwargs)  # fmt: skip


def case_for(person: User, due: datetime.date | None, title: str = SECRET_TITLE) -> Case:
    case = make_case(title, authority=make_authority("KS"),
                     opened_at=timezone.now() - datetime.timedelta(days=60))  # fmt: skip
    actions.do_assign_officer(case, person, actor=None)
    actions.do_set_due_date(case, due, actor=None)
    return case


def test_each_officer_gets_one_e_mail_a_day_about_overdue_and_soon_due_cases(
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.localdate()
    anna, bo = officer("anna"), officer("bo")
    silent = do_set_case_reminders(officer("cecilia"), False, actor=None)
    late = case_for(anna, today - datetime.timedelta(days=1))
    soon = case_for(anna, add_workdays(today, 3))
    case_for(anna, add_workdays(today, 4))  # not yet
    case_for(anna, None)  # no day to decide by
    closed = case_for(anna, today - datetime.timedelta(days=5))
    actions.do_change_case_status(closed, CaseStatus.CLOSED, actor=None)
    case_for(bo, today)
    case_for(silent, today - datetime.timedelta(days=3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.do_send_case_reminders(actor=None)
    assert {r.person.username for r in sent} == {"anna", "bo"}
    (to_anna,) = [m for m in mail.outbox if m.to == ["anna@example.se"]]
    assert to_anna.subject == "Kansli: 1 försenade ärenden, 1 ska vara klara inom kort"
    assert f"- {late.case_number}, senast {late.due_date:%Y-%m-%d}: http" in to_anna.body
    assert f"/arenden/{soon.pk}/" in to_anna.body
    assert "Kalle" not in to_anna.body and "Orosanmälan" not in to_anna.body
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_send_case_reminders(actor=None) == []  # the same day: nothing twice
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="registry.send_case_reminders").count() == 1
    tomorrow = today + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(actions.do_send_case_reminders(tomorrow, actor=None)) == 2


# Three working days from each day, worked out by hand from the calendar: julafton
# (Thu 24 Dec 2026), juldagen (25), nyårsafton (31) and nyårsdagen (Fri 1 Jan 2027) are
# not working days; trettondagsafton (5 Jan) is.
HORIZONS = [
    (datetime.date(2026, 12, 23), datetime.date(2026, 12, 30)),  # Thu 24, Fri 25 closed
    (datetime.date(2026, 12, 18), datetime.date(2026, 12, 23)),  # Fri: Mon 21, Tue 22, Wed 23
    (datetime.date(2026, 12, 29), datetime.date(2027, 1, 5)),  # Tue: Wed 30, Mon 4, Tue 5
]


@pytest.mark.parametrize(("today", "last"), HORIZONS)
def test_soon_is_three_working_days_ahead(today: datetime.date, last: datetime.date) -> None:
    anna = officer("anna")
    inside, outside = case_for(anna, last), case_for(anna, last + datetime.timedelta(days=1))
    (reminder,) = actions.do_send_case_reminders(today, actor=None)
    assert reminder.due_soon == [inside] and outside not in reminder.overdue


def test_the_command_sends_them(capsys: pytest.CaptureFixture[str]) -> None:
    case_for(officer("anna"), timezone.localdate())
    call_command("remind")
    assert "Påminnelser om ärenden: 1 personer, 1 ärenden." in capsys.readouterr().out


def test_only_the_system_or_an_administrator_sends_them() -> None:
    with pytest.raises(Exception, match="systemadministratörer"):
        actions.do_send_case_reminders(actor=officer("anna"))


def test_the_officer_turns_them_off_and_on_on_the_start_page() -> None:
    anna = officer("anna")
    case_for(anna, timezone.localdate())
    client = Client()
    client.force_login(anna)
    assert "Stäng av påminnelserna" in client.get("/").content.decode()
    assert client.get("/konto/paminnelser/").status_code == 405
    assert client.post("/konto/paminnelser/", {"on": "0"}).status_code == 302
    anna.refresh_from_db()
    assert not anna.case_reminders
    assert "Slå på påminnelserna" in client.get("/").content.decode()
    assert actions.do_send_case_reminders(actor=None) == []
    client.post("/konto/paminnelser/", {"on": "1"})
    anna.refresh_from_db()
    assert anna.case_reminders
    assert AuditEvent.objects.filter(action="org.set_case_reminders").count() == 2


def test_an_officer_is_reminded_of_a_report_due_for_a_coming_meetings_item_deadline(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A case on a coming meeting's agenda without a report, whose stoppdag is within
    three working days (the same horizon), is in the morning e-mail with the meeting and
    the stoppdag; a meeting whose stoppdag is later is not, nor an item with its report."""
    from kansli.meetings.actions import do_preregister_item
    from kansli.meetings.testing import make_body, make_meeting

    today = timezone.localdate()
    horizon = add_workdays(today, 3)
    body = make_body(make_authority("KS"))

    def stoppdag(days: int) -> datetime.date:
        return add_workdays(today + datetime.timedelta(days), -body.item_deadline_workdays)

    near = next(d for d in range(1, 60) if today <= stoppdag(d) <= horizon)
    far = next(d for d in range(near, 90) if stoppdag(d) > horizon)
    anna = officer("anna")
    due, later = case_for(anna, None), case_for(anna, None, title="Annat ärende")
    meeting = make_meeting(body, days_ahead=near)
    do_preregister_item(meeting, due, title=SECRET_TITLE, actor=None)
    do_preregister_item(make_meeting(body, days_ahead=far), later, title="Annat", actor=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (sent,) = actions.do_send_case_reminders(actor=None)
    assert [(c.pk, m.pk) for c, m in sent.deadlines] == [(due.pk, meeting.pk)]
    (message,) = mail.outbox
    assert message.subject.endswith("1 tjänsteskrivelser inför stoppdag")
    assert f"- {due.case_number} till {body} " in message.body
    assert f"stoppdag {meeting.item_deadline:%Y-%m-%d}" in message.body
    assert later.case_number not in message.body and "Kalle" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_send_case_reminders(actor=None) == []  # not twice a day


@pytest.mark.parametrize("moment", ["2026-12-05 23:30", "2026-12-06 12:00", "2026-12-07 23:10"])
def test_the_report_reminder_holds_at_any_hour(
    django_capture_on_commit_callbacks: Any, moment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when it is already tomorrow in Sweden but still today in UTC (the test's
    meetings were once made on UTC's date, and the test failed after 23:00 UTC)."""
    fixed = datetime.datetime.fromisoformat(moment).replace(tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    test_an_officer_is_reminded_of_a_report_due_for_a_coming_meetings_item_deadline(
        django_capture_on_commit_callbacks
    )
