"""Förhinder: a member reports from the portal that they cannot attend a coming meeting;
the next free substitute in order (by the first day of the role, then the order it was
recorded) is called and e-mailed, the secretary is e-mailed and sees it on the meeting
page; the report is withdrawn until the meeting starts. Nobody else reports: a member
of another body or the public gets 404, and a meeting started is refused."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import dateformat, timezone, translation

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.actions.absence import (
    do_report_absence,
    do_withdraw_absence,
    substitutes_in_order,
)
from kansli.meetings.models import Absence, Meeting
from kansli.meetings.testing import make_body, make_member
from kansli.org.actions import do_set_call_order
from kansli.org.models import ElectedPosition, Role, RoleAssignment
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry.testing import make_case
from kansli.web.testing import api_client, signed_in, sv

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
SECRET_TITLE = "Omplacering av Anna Svensson"


def person(body: Any, position: str, name: str, since: datetime.date) -> Any:
    first, last = name.split()
    email = f"{first.lower()}@leksand.se"
    return make_member(
        body, position, valid_from=since, first_name=first, last_name=last, email=email
    )


@pytest.fixture
def board() -> dict[str, Any]:
    body = make_body()
    people = {
        "secretary": make_user(
            roles=[(Role.SECRETARY, body.authority)],
            first_name="Sara",
            last_name="Sekreterare",
            email="sara@leksand.se",
        ),
        "chair": person(body, ElectedPosition.CHAIR, "Carina Ek", datetime.date(2023, 1, 1)),
        "first": person(body, ElectedPosition.MEMBER, "Maja Ås", datetime.date(2023, 1, 1)),
        "second": person(body, ElectedPosition.MEMBER, "Nils Berg", datetime.date(2023, 1, 1)),
        # Recorded first, but took office later: called after Sven and Stina.
        "late": person(body, ElectedPosition.SUBSTITUTE, "Lars Sen", datetime.date(2024, 1, 1)),
        "sven": person(body, ElectedPosition.SUBSTITUTE, "Sven Först", datetime.date(2023, 1, 1)),
        "stina": person(body, ElectedPosition.SUBSTITUTE, "Stina Ny", datetime.date(2023, 1, 1)),
    }
    meeting = actions.do_schedule_meeting(
        body,
        timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)
        + datetime.timedelta(days=10),
        "Sessionssalen",
        actor=None,
    )
    case = make_case(SECRET_TITLE, authority=body.authority)
    actions.do_preregister_item(meeting, case, title=SECRET_TITLE, actor=None)
    return {**people, "body": body, "meeting": meeting}


def names(messages: list[Any]) -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for m in messages]


def test_substitutes_are_called_in_order_of_taking_office(board: dict[str, Any]) -> None:
    order = substitutes_in_order(board["meeting"])
    assert [u.first_name for u in order] == ["Sven", "Stina", "Lars"]


def test_the_councils_order_goes_before_the_order_of_taking_office(
    board: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """KL 5 kap. 17 §, 6 kap. 11 §: the council decided that Lars is called in first
    and Stina second; Sven, without a place in its order, follows. The order is set
    by the system administrator, for substitutes only, and audited."""
    roles = RoleAssignment.objects.filter(position=ElectedPosition.SUBSTITUTE)
    admin = make_sysadmin()
    for name, place in [("Lars", 1), ("Stina", 2)]:
        do_set_call_order(roles.get(user__first_name=name), place, actor=admin)
    order = substitutes_in_order(board["meeting"])
    assert [u.first_name for u in order] == ["Lars", "Stina", "Sven"]
    with django_capture_on_commit_callbacks(execute=True):
        absence = do_report_absence(board["meeting"], actor=board["first"])
    assert absence.substitute == board["late"]
    assert AuditEvent.objects.filter(action="org.set_call_order").count() == 2
    member = RoleAssignment.objects.filter(position=ElectedPosition.MEMBER).first()
    assert member is not None
    with pytest.raises(ValidationError, match="Bara ersättare"):
        do_set_call_order(member, 1, actor=admin)
    with pytest.raises(PermissionDenied):
        do_set_call_order(roles.get(user__first_name="Sven"), 3, actor=board["first"])
    assert RoleAssignment.objects.get(pk=member.pk).call_order is None


def test_absence_calls_the_first_substitute_then_the_second(
    board: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = board["meeting"]
    day = meeting.day.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        absence = do_report_absence(meeting, actor=board["first"])
    assert absence.substitute == board["sven"]
    assert names(mail.outbox) == [
        ("sara@leksand.se", f"Förhinder: {meeting.body} {day}"),
        ("sven@leksand.se", f"Kallelse som ersättare: {meeting.body} {day}"),
    ]
    to_secretary, to_substitute = mail.outbox
    assert "Maja Ås har anmält förhinder" in to_secretary.body
    assert "Ersättaren Sven Först är kallad i stället för Maja Ås" in to_secretary.body
    assert "i stället för Maja Ås" in to_substitute.body
    for message in mail.outbox:  # the meeting, never its items
        assert "Svensson" not in message.body and "Omplacering" not in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        second = do_report_absence(meeting, actor=board["second"])
    assert second.substitute == board["stina"]
    assert names(mail.outbox) == [
        ("sara@leksand.se", f"Förhinder: {meeting.body} {day}"),
        ("stina@leksand.se", f"Kallelse som ersättare: {meeting.body} {day}"),
    ]
    assert AuditEvent.objects.filter(action="meetings.report_absence").count() == 2


def test_a_called_substitute_who_cannot_come_is_replaced_and_then_none_is_left(
    board: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = board["meeting"]
    do_report_absence(meeting, actor=board["first"])  # Sven called
    do_report_absence(meeting, actor=board["stina"])  # Stina is away too: not called
    with django_capture_on_commit_callbacks(execute=True):
        do_report_absence(meeting, actor=board["sven"])
    # Sven's place for Maja goes to the next free substitute: Lars (Stina is away).
    assert Absence.objects.get(member=board["first"]).substitute == board["late"]
    assert [m.to[0] for m in mail.outbox] == ["sara@leksand.se", "lars@leksand.se"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        last = do_report_absence(meeting, actor=board["second"])
    assert last.substitute is None
    assert [m.to[0] for m in mail.outbox] == ["sara@leksand.se"]
    assert "Ingen ersättare finns kvar att kalla i stället för Nils Berg" in mail.outbox[0].body
    page = signed_in(board["secretary"]).get(f"/moten/{meeting.pk}/").content.decode()
    assert sv("no substitute left to call") in page
    assert sv("substitute %(name)s called", name="Lars Sen") in page


def test_withdrawing_frees_the_substitute_and_tells_them(
    board: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = board["meeting"]
    do_report_absence(meeting, actor=board["first"])
    with django_capture_on_commit_callbacks(execute=True):
        do_withdraw_absence(meeting, actor=board["first"])
    assert not Absence.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["sara@leksand.se", "sven@leksand.se"]
    assert "inte tjänstgöra" in next(m for m in mail.outbox if m.to[0] == "sven@leksand.se").body
    # Free again: the next absence calls Sven first.
    assert do_report_absence(meeting, actor=board["second"]).substitute == board["sven"]
    with pytest.raises(ValidationError, match="inte anmält förhinder"):
        do_withdraw_absence(meeting, actor=board["first"])


def test_refused_after_the_start_twice_and_for_others(
    board: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = board["meeting"]
    do_report_absence(meeting, actor=board["first"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="redan anmält förhinder"):
        do_report_absence(meeting, actor=board["first"])
    with pytest.raises(ValidationError, match="inte förtroendevald"):
        do_report_absence(meeting, actor=board["secretary"])
    started = meeting.starts_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: started)
    with pytest.raises(ValidationError, match="redan börjat"):
        do_report_absence(meeting, actor=board["second"])
    with pytest.raises(ValidationError, match="redan börjat"):
        do_withdraw_absence(meeting, actor=board["first"])
    assert Absence.objects.count() == 1 and AuditEvent.objects.count() == events


def test_the_portal_reports_shows_and_withdraws(board: dict[str, Any]) -> None:
    meeting = board["meeting"]
    member = signed_in(board["first"])
    page = member.get("/moten/portal/").content.decode()
    assert sv("Report that I cannot attend") in page
    answer = member.post(f"/moten/portal/{meeting.pk}/forhinder/", follow=True)
    page = answer.content.decode()
    assert (
        sv("Your absence is reported; %(name)s is called in your place.", name="Sven Först") in page
    )
    reported = Absence.objects.get().reported_at
    with translation.override("sv"):  # a Swedish date, in Swedish local time
        at = dateformat.format(reported.astimezone(STOCKHOLM), "j F Y H.i")
    assert sv("You reported on %(at)s that you cannot attend.", at=at) in page
    assert sv("I can attend after all") in page
    substitute_page = signed_in(board["sven"]).get("/moten/portal/").content.decode()
    assert (
        sv("You are called as substitute in place of %(name)s.", name="Maja Ås") in substitute_page
    )
    answer = member.post(f"/moten/portal/{meeting.pk}/forhinder/aterkalla/", follow=True)
    assert (
        sv("Your absence is withdrawn: you are expected at the meeting.") in answer.content.decode()
    )
    assert not Absence.objects.exists()
    # Twice: a clear refusal on a page, nothing saved.
    member.post(f"/moten/portal/{meeting.pk}/forhinder/")
    again = member.post(f"/moten/portal/{meeting.pk}/forhinder/")
    assert again.status_code == 200 and "redan anmält förhinder" in again.content.decode()
    assert Absence.objects.count() == 1


def test_others_get_404_and_nothing_changes(board: dict[str, Any]) -> None:
    meeting = board["meeting"]
    other = make_body(make_authority(code="BN", name="Byggnadsnämnden"))
    strangers = [
        make_member(other),  # a member of another body
        make_user(roles=[(Role.SECRETARY, other.authority)]),  # another authority's staff
    ]
    for stranger in strangers:
        client = signed_in(stranger)
        assert client.post(f"/moten/portal/{meeting.pk}/forhinder/").status_code == 404
        assert client.post(f"/moten/portal/{meeting.pk}/forhinder/aterkalla/").status_code == 404
    assert signed_in(strangers[0]).post("/moten/portal/999999/forhinder/").status_code == 404
    assert Client().post(f"/moten/portal/{meeting.pk}/forhinder/").status_code == 302  # login
    assert not Absence.objects.exists()
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_api_reports_and_withdraws_with_json_errors(board: dict[str, Any]) -> None:
    meeting = board["meeting"]
    member = api_client(board["first"])
    url = f"/api/v1/meetings/{meeting.pk}/absence"
    answer = member.post(url)
    assert answer.status_code == 201
    assert answer.json()["substitute"] == "Sven Först"
    again = member.post(url)
    assert again.status_code == 422 and "redan anmält förhinder" in again.json()["detail"]
    stranger = api_client(make_member(make_body(make_authority(code="BN"))))
    assert stranger.post(url).status_code == 404
    assert stranger.delete(url).status_code == 404
    assert member.post("/api/v1/meetings/999999/absence").status_code == 404
    assert member.post("/api/v1/meetings/x/absence").status_code == 422
    assert member.delete(url).status_code == 204
    assert not Absence.objects.exists()
    missing = member.delete(url)
    assert missing.status_code == 422 and "inte anmält förhinder" in missing.json()["detail"]
