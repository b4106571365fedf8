"""A meeting's end and days, cancelling, the list of every meeting and the council's
announcement a week ahead (issue 13, parts 7 and 8): the minutes are approved only after
the meeting has ended (KL 5 kap. 69 §), a cancelled meeting is told to the members and
the public and gets nothing more, every year's meetings stay listed, and a council
meeting announced less than a week ahead is warned of (KL 5 kap. 11 §)."""

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, approval_time
from kansli.meetings.forms import ArrangeForm
from kansli.meetings.models import Approval, Meeting, Minutes
from kansli.meetings.testing import make_body, make_member, make_secretary, record_present
from kansli.org.actions import do_grant_role
from kansli.org.models import Authority, ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import api_client, signed_in, sv

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def clock(monkeypatch: pytest.MonkeyPatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def board(settings: Any) -> dict[str, Any]:
    settings.LANGUAGE_CODE = "sv"
    caches["public-pages"].clear()
    body = make_body()
    people = {
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina", email="c@x.se"),
        "member": make_member(body, first_name="Anders", email="a@x.se"),
        "substitute": make_member(body, ElectedPosition.SUBSTITUTE, email="s@x.se"),
    }
    # A budget meeting over two days, planned ahead: 10 March 2027 09.00 to 11 March 16.30.
    meeting = actions.do_schedule_meeting(
        body, at(2027, 3, 10, 9), "Sessionssalen", ends_at=at(2027, 3, 11, 16, 30), actor=None
    )
    case = make_case("Budget 2028", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Budget 2028", proposal="Antas.", actor=None)
    secret = make_case("Personalärende Eva Ek", authority=body.authority)
    item = actions.do_preregister_item(meeting, secret, title="Eva Ek, rehab", actor=None)
    actions.do_set_item_secrecy(item, make_provision(), public_title="Personalärende", actor=None)
    return {**people, "body": body, "meeting": meeting}


def held(data: dict[str, Any]) -> Minutes:
    meeting = data["meeting"]
    actions.do_dispatch_meeting(meeting, at=at(2027, 2, 20, 10), actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[data["member"]], actor=None)
    record_present(minutes, data["chair"], data["member"])
    return minutes


def test_approval_before_the_meeting_has_ended_is_refused_and_saves_nothing(
    board: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held(board)
    clock(monkeypatch, at(2027, 3, 11, 12))  # the second day, before 16.30
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Sammanträdet är inte avslutat"):
        actions.do_approve_minutes(minutes, verified=True, actor=board["chair"])
    assert not Approval.objects.filter(minutes=minutes).exists()
    assert AuditEvent.objects.count() == events
    clock(monkeypatch, at(2027, 3, 11, 16, 30))
    actions.do_approve_minutes(minutes, verified=True, actor=board["chair"])
    assert Approval.objects.filter(minutes=minutes, user=board["chair"]).exists()
    # KL 5 kap. 69 §: fourteen days from the meeting's last day, 11 March: 25 March.
    assert approval_time.approval_deadline(board["meeting"]) == datetime.date(2027, 3, 25)


def test_without_an_end_time_approval_waits_for_it_on_the_meeting_day(
    board: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = board["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(ends_at=None)  # as before end times
    minutes = held(board)
    clock(monkeypatch, at(2027, 3, 10, 15))
    with pytest.raises(ValidationError, match="ange sluttid först"):
        actions.do_approve_minutes(minutes, verified=True, actor=board["chair"])
    # The secretary closes the meeting at 14.45; then it may be approved.
    client = signed_in(board["secretary"])
    form = {"end_day": "2027-03-10", "end_time": "14:45"}
    assert client.post(f"/moten/{meeting.pk}/sluttid/", form).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).ends_at == at(2027, 3, 10, 14, 45)
    actions.do_approve_minutes(minutes, verified=True, actor=board["chair"])
    assert AuditEvent.objects.filter(action="meetings.close_meeting").count() == 1


def test_an_end_before_the_start_or_weeks_later_is_refused(board: dict[str, Any]) -> None:
    meeting, secretary = board["meeting"], board["secretary"]
    with pytest.raises(ValidationError, match="efter starttiden"):
        actions.do_close_meeting(meeting, at(2027, 3, 10, 8), actor=secretary)
    with pytest.raises(ValidationError, match="högst sju dagar"):
        actions.do_close_meeting(meeting, at(2027, 3, 20, 8), actor=secretary)
    with pytest.raises(ValidationError, match="efter starttiden"):
        actions.do_schedule_meeting(
            meeting.body, at(2027, 4, 1, 9), "Salen", ends_at=at(2027, 4, 1, 9), actor=secretary
        )
    page = signed_in(secretary).post(
        f"/moten/{meeting.pk}/sluttid/", {"end_day": "2027-03-09", "end_time": "10:00"}
    )
    assert (
        page.status_code == 200
        and "Sluttiden måste vara efter starttiden." in page.content.decode()
    )
    assert Meeting.objects.get(pk=meeting.pk).ends_at == at(2027, 3, 11, 16, 30)
    answer = api_client(secretary).put(
        f"/api/v1/meetings/{meeting.pk}/end",
        {"ends_at": "2027-03-09T10:00:00+01:00"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "efter starttiden" in answer.content.decode()


def test_a_two_day_meeting_is_shown_right_in_the_notice_and_the_calendar(
    board: dict[str, Any],
) -> None:
    meeting = board["meeting"]
    actions.do_dispatch_meeting(meeting, at=at(2027, 2, 20, 10), actor=None)
    notice = Client().get(f"/anslagstavla/sammantrade/{meeting.pk}/kallelse.pdf").getvalue()
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(notice)).pages)
    assert "2027-03-10 kl. 09.00 – 2027-03-11 kl. 16.30" in text
    page = Client().get(f"/anslagstavla/sammantrade/{meeting.pk}/").content.decode()
    assert "2027-03-10 kl. 09.00 – 2027-03-11 kl. 16.30" in page
    ics = Client().get(f"/moten/organ/{meeting.body.pk}/kalender.ics").content.decode()
    assert "DTSTART:20270310T080000Z" in ics and "DTEND:20270311T153000Z" in ics
    staff = signed_in(board["secretary"]).get(f"/moten/{meeting.pk}/").content.decode()
    assert "2027-03-10 kl. 09.00 – 2027-03-11 kl. 16.30" in staff


def test_cancelling_tells_the_members_and_the_public_and_refuses_more(
    board: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting, secretary = board["meeting"], board["secretary"]
    actions.do_dispatch_meeting(meeting, at=at(2027, 2, 20, 10), actor=None)
    mail.outbox.clear()
    client = signed_in(secretary)
    form = {"reason": "Ordföranden är sjuk & ingen kan leda mötet."}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/moten/{meeting.pk}/installa/", form).status_code == 302
    # The members and the chair; the substitute was not called in, the secretary is staff.
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.se", "c@x.se"]
    assert "Skäl: Ordföranden är sjuk & ingen kan leda mötet." in mail.outbox[0].body
    assert "Eva Ek" not in mail.outbox[0].body
    caches["public-pages"].clear()
    for address in ["/anslagstavla/", f"/anslagstavla/sammantrade/{meeting.pk}/"]:
        page = Client().get(address).content.decode()
        assert "Inställt" in page and "Ordföranden är sjuk &amp; ingen kan leda mötet." in page
        assert "Eva Ek" not in page
    assert (
        "STATUS:CANCELLED"
        in Client().get(f"/moten/organ/{meeting.body.pk}/kalender.ics").content.decode()
    )
    assert AuditEvent.objects.filter(action="meetings.cancel_meeting").count() == 1
    portal = signed_in(board["member"]).get("/moten/portal/").content.decode()
    assert "Inställt" in portal and "2027-03-10 kl. 09.00 – 2027-03-11 kl. 16.30" in portal
    case = make_case("Nytt ärende", authority=meeting.body.authority)
    for refused in [
        lambda: actions.do_dispatch_meeting(meeting, actor=secretary),
        lambda: actions.do_open_minutes(meeting, approvers=[], actor=secretary),
        lambda: actions.do_preregister_item(meeting, case, title="Nytt", actor=secretary),
        lambda: actions.do_cancel_meeting(meeting, "Igen", actor=secretary),
    ]:
        with pytest.raises(ValidationError, match="inställt"):
            refused()
    assert not Minutes.objects.filter(meeting=meeting).exists()
    # Its items go to a meeting that is held.
    later = actions.do_schedule_meeting(meeting.body, at(2027, 4, 7, 9), "Salen", actor=None)
    assert list(ArrangeForm(meeting, secretary).later) == [str(later.pk)]
    assert list(ArrangeForm(later, secretary).later) == []  # the cancelled one is offered to none
    item = meeting.items.first()
    actions.do_move_item(item, later, actor=secretary)
    with pytest.raises(ValidationError, match="inställt"):
        actions.do_move_item(item, meeting, actor=secretary)


def test_cancelling_is_refused_with_a_reason_too_long_or_missing_or_minutes_begun(
    board: dict[str, Any],
) -> None:
    meeting, secretary = board["meeting"], board["secretary"]
    client = signed_in(secretary)
    for reason, message in [("x" * 100_000, "2000"), ("   ", sv("This field is required."))]:
        page = client.post(f"/moten/{meeting.pk}/installa/", {"reason": reason})
        assert page.status_code == 200 and message in page.content.decode()
    answer = api_client(secretary).post(
        f"/api/v1/meetings/{meeting.pk}/cancel",
        {"reason": "x" * 100_000},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "högst 2000 tecken" in answer.json()["detail"]
    actions.do_open_minutes(meeting, approvers=[], actor=secretary)
    with pytest.raises(ValidationError, match="Protokollet är påbörjat"):
        actions.do_cancel_meeting(meeting, "Sjukdom", actor=secretary)
    assert Meeting.objects.get(pk=meeting.pk).cancelled_at is None
    assert not mail.outbox


def test_another_authoritys_staff_do_not_see_the_meeting_or_its_forms(
    board: dict[str, Any],
) -> None:
    meeting = board["meeting"]
    elsewhere = make_authority("BN", "Byggnadsnämnden")
    other = make_user(roles=[(Role.SECRETARY, elsewhere)])
    make_body(elsewhere)
    client = signed_in(other)
    assert f"/moten/{meeting.pk}/" not in client.get("/moten/?ar=2027").content.decode()
    for address in [f"/moten/{meeting.pk}/installa/", f"/moten/{meeting.pk}/sluttid/"]:
        assert client.get(address).status_code == 404
        assert client.post(address, {"reason": "Nej"}).status_code == 404
    api = api_client(other)
    answer = api.post(
        f"/api/v1/meetings/{meeting.pk}/cancel", {"reason": "Nej"}, content_type="application/json"
    )
    assert answer.status_code == 404 and answer["Content-Type"].startswith("application/json")
    # A member of the body is not its secretary: the forms are refused.
    assert signed_in(board["member"]).get(f"/moten/{meeting.pk}/installa/").status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).cancelled_at is None


def test_every_meeting_of_every_year_is_listed_and_filtered(board: dict[str, Any]) -> None:
    body, secretary = board["body"], board["secretary"]
    old = actions.do_schedule_meeting(
        body, timezone.now() - datetime.timedelta(days=200), "Gamla salen", actor=None
    )
    earlier = actions.do_schedule_meeting(body, at(2024, 5, 2, 13), "Lilla salen", actor=None)
    other_body = make_body(make_authority("BN", "Byggnadsnämnden"))
    do_grant_role(secretary, Role.SECRETARY, authority=other_body.authority, actor=None)
    theirs = actions.do_schedule_meeting(other_body, at(2027, 1, 20, 9), "Stadshuset", actor=None)
    client = signed_in(secretary)
    page = client.get("/moten/").content.decode()  # this year and later, newest year first
    assert f"/moten/{old.pk}/" in page and f"/moten/{theirs.pk}/" in page
    assert f"/moten/{earlier.pk}/" not in page and page.index("2027</h2>") < page.index("2026</h2>")
    assert '<option value="2024">2024</option>' in page  # the years that have meetings
    by_year = client.get("/moten/?ar=2024").content.decode()
    assert f"/moten/{earlier.pk}/" in by_year and f"/moten/{old.pk}/" not in by_year
    by_body = client.get(f"/moten/?organ={other_body.pk}").content.decode()
    assert f"/moten/{theirs.pk}/" in by_body and f"/moten/{board['meeting'].pk}/" not in by_body
    stranger = make_body(make_authority("SN", "Socialnämnden"))
    for query, message in [
        ("ar=abc", sv("There are no meetings in %(year)s.", year="abc")),
        ("ar=99999999", sv("There are no meetings in %(year)s.", year="99999999")),
        (f"organ={stranger.pk}", sv("That body is not one whose meetings you work with.")),
    ]:
        answer = client.get(f"/moten/?{query}")
        assert answer.status_code == 200 and message in answer.content.decode()
        assert f"/moten/{old.pk}/" in answer.content.decode()
    assert client.get("/moten/?organ=x%00").status_code == 400  # kansli.web.limits


def test_a_council_meeting_announced_late_is_warned_of_and_audited(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LANGUAGE_CODE = "sv"
    council = make_body(make_authority("KF", "Kommunfullmäktige", kind=Authority.Kind.COUNCIL))
    secretary = make_secretary(council)
    # Thursday 14 January 2027: the announcement is due by Thursday 7 January.
    late = actions.do_schedule_meeting(council, at(2027, 1, 14, 18), "Sessionssalen", actor=None)
    in_time = actions.do_schedule_meeting(council, at(2027, 2, 11, 18), "Sessionssalen", actor=None)
    for meeting in [late, in_time]:
        case = make_case("Motion om cykelbanor", authority=council.authority)
        actions.do_preregister_item(meeting, case, title="Motion", proposal="Bifalls.", actor=None)
    actions.do_dispatch_meeting(in_time, at=at(2027, 2, 4, 9), actor=None)  # exactly a week
    event = AuditEvent.objects.filter(action="meetings.dispatch_meeting").last()
    assert event is not None and (event.after or {})["announced_late"] is False
    clock(monkeypatch, at(2027, 1, 8, 10))  # Friday the 8th: a day late
    page = signed_in(secretary).post(f"/moten/{late.pk}/utskick/", {}, follow=True)
    warning = sv(
        "The council meeting is announced less than a week before its day: the announcement "
        "should have been on the notice board by %(day)s (KL 5 kap. 11 §).",
        day="2027-01-07",
    )
    assert warning in page.content.decode()
    event = AuditEvent.objects.filter(action="meetings.dispatch_meeting").last()
    assert event is not None and (event.after or {})["announced_late"] is True
    caches["public-pages"].clear()
    board_page = Client().get("/anslagstavla/").content.decode()
    assert "anslagen 2027-01-08" in board_page


def test_the_schedule_form_takes_an_end_on_the_same_or_a_later_day(
    board: dict[str, Any],
) -> None:
    """The secretary plans a meeting with its end time, or over two days, from the list;
    an end date without a time, or an end before the start, saves nothing."""
    body, client = board["body"], signed_in(board["secretary"])
    form = {"body": body.pk, "day": "2027-05-04", "time": "13:00", "place": "Salen"}
    client.post("/moten/", form | {"end_time": "16:30"})
    client.post(
        "/moten/", form | {"day": "2027-05-11", "end_day": "2027-05-12", "end_time": "12:00"}
    )
    planned = {m.day: m.ends_at for m in Meeting.objects.filter(body=body, place="Salen")}
    assert planned == {
        datetime.date(2027, 5, 4): at(2027, 5, 4, 16, 30),
        datetime.date(2027, 5, 11): at(2027, 5, 12, 12),
    }
    for wrong, message in [
        ({"end_day": "2027-06-02"}, "Give the end time too."),
        ({"end_time": "12:00"}, None),  # before the start at 13.00
    ]:
        page = client.post("/moten/", form | {"day": "2027-06-01"} | wrong)
        assert page.status_code == 200
        if message:
            assert sv(message) in page.content.decode()
        else:
            assert "Sluttiden måste vara efter starttiden." in page.content.decode()
    assert not Meeting.objects.filter(body=body, starts_at__date=datetime.date(2027, 6, 1)).exists()
