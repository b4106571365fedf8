"""The rules of approval (justering, KL 5 kap. 69 §): not before the meeting has begun,
not while no attendance is recorded, only by the presiding chair and approvers who were
present and serving; each refusal says why in Swedish and changes nothing."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.models import Approval, Attendance, Minutes
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def held() -> dict[str, Any]:
    body = make_body()
    people = {
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek"),
        "vice": make_member(body, ElectedPosition.VICE_CHAIR, first_name="Vera", last_name="Al"),
        "approver": make_member(body, first_name="Anders", last_name="Berg"),
        "away": make_member(body, first_name="Bo", last_name="Borta"),
        "substitute": make_member(body, ElectedPosition.SUBSTITUTE, first_name="Sven"),
    }
    meeting = make_meeting(body)
    case = make_case("Detaljplan för Vargödalen", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Detaljplan", proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(
        meeting, approvers=[people["approver"], people["away"]], actor=people["secretary"]
    )
    return {**people, "meeting": meeting, "minutes": minutes}


def unchanged(minutes: Minutes, events: int) -> None:
    """Nothing was saved: no approval, the minutes open, no audit event."""
    assert not Approval.objects.filter(minutes=minutes).exists()
    assert Minutes.objects.get(pk=minutes.pk).locked_at is None
    assert AuditEvent.objects.count() == events


def test_approval_before_the_meeting_has_begun_is_refused(held: dict[str, Any]) -> None:
    minutes = held["minutes"]
    record_present(minutes, held["chair"], held["approver"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="kan inte justeras före sammanträdet"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["chair"])
    unchanged(minutes, events)


def test_approval_is_refused_while_no_attendance_is_recorded(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held["minutes"]
    meeting_over(monkeypatch, held["meeting"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Närvaron är inte registrerad"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["chair"])
    unchanged(minutes, events)


def test_an_approver_absent_or_not_in_the_attendance_cannot_approve(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held["minutes"]
    record_present(minutes, held["chair"])
    meeting_over(monkeypatch, held["meeting"])
    events = AuditEvent.objects.count()
    # Anders is chosen but not in the attendance at all.
    with pytest.raises(
        ValidationError, match="Anders Berg var inte närvarande och kan inte justera"
    ):
        actions.do_approve_minutes(minutes, verified=True, actor=held["approver"])
    unchanged(minutes, events)
    # Bo was away: a substitute served for him; and one present without serving decides nothing.
    actions.do_record_attendance(
        minutes,
        held["substitute"],
        Attendance.Capacity.SUBSTITUTE,
        replaces=held["away"],
        actor=None,
    )
    actions.do_record_attendance(
        minutes, held["away"], Attendance.Capacity.SUBSTITUTE_PRESENT, actor=None
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Bo Borta var inte närvarande och kan inte justera"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["away"])
    unchanged(minutes, events)
    # Recorded present, Anders approves.
    record_present(minutes, held["approver"])
    actions.do_approve_minutes(minutes, verified=True, actor=held["approver"])
    assert Approval.objects.filter(minutes=minutes, user=held["approver"]).exists()


def test_the_vice_chair_presides_and_approves_when_the_chair_is_absent(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held["minutes"]
    minutes.approvers.set([held["approver"]])  # as chosen at the meeting
    record_present(minutes, held["vice"], held["approver"])
    meeting_over(monkeypatch, held["meeting"])
    assert actions.presiding_chair(minutes) == held["vice"].pk
    assert actions.approvers_of(minutes) == {held["vice"].pk, held["approver"].pk}
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Carina Ek var inte närvarande"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["chair"])
    unchanged(minutes, events)
    for who in ["vice", "approver"]:
        actions.do_approve_minutes(minutes, verified=True, actor=held[who])
    minutes.refresh_from_db()
    assert minutes.locked_at is not None


def test_the_vice_chair_does_not_approve_when_the_chair_presided(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held["minutes"]
    record_present(minutes, held["chair"], held["vice"], held["approver"])
    meeting_over(monkeypatch, held["meeting"])
    assert actions.presiding_chair(minutes) == held["chair"].pk
    with pytest.raises(PermissionDenied, match="inte ordförande eller justerare"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["vice"])
    assert not Approval.objects.exists()


def test_the_secretary_is_warned_of_a_chosen_approver_not_present(
    held: dict[str, Any], settings: Any
) -> None:
    settings.LANGUAGE_CODE = "sv"
    minutes = held["minutes"]
    record_present(minutes, held["chair"], held["approver"])
    browser = Client()
    browser.force_login(held["secretary"])
    page = browser.get(f"/moten/{held['meeting'].pk}/protokoll/").content.decode()
    warning = "är vald till justerare men är inte antecknad som närvarande och tjänstgörande"
    assert f"Bo Borta {warning}" in page
    assert f"Anders Berg {warning}" not in page
