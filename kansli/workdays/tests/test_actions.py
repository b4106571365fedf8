from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.org.models import Municipality, User
from kansli.org.testing import make_municipality, make_sysadmin, make_user
from kansli.workdays.actions import do_add_closed_day, do_remove_closed_day
from kansli.workdays.closed import closed_days
from kansli.workdays.models import ClosedDay

KLAMDAG = date(2025, 5, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality() -> Municipality:
    return make_municipality("Exempelkommun")


@pytest.fixture
def admin_user() -> User:
    return make_sysadmin("admin")


def test_add_closed_day_is_audited(municipality: Municipality, admin_user: User) -> None:
    closed_day = do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=admin_user)
    event = AuditEvent.objects.get(action="workdays.add_closed_day")
    assert (event.action, event.object_id, event.actor_id) == (
        "workdays.add_closed_day",
        str(closed_day.pk),
        admin_user.pk,
    )
    assert event.after == {
        "municipality": municipality.pk,
        "date": "2025-05-30",
        "reason": "Klämdag",
    }
    assert verify().ok


def test_remove_closed_day_is_audited(municipality: Municipality, admin_user: User) -> None:
    closed_day = do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=admin_user)
    pk = closed_day.pk
    do_remove_closed_day(closed_day, actor=admin_user)
    assert not ClosedDay.objects.exists()
    event = AuditEvent.objects.get(action="workdays.remove_closed_day")
    assert event.object_id == str(pk)
    assert event.before == {
        "municipality": municipality.pk,
        "date": "2025-05-30",
        "reason": "Klämdag",
    }
    assert verify().ok


def test_only_system_administrators(municipality: Municipality, admin_user: User) -> None:
    clerk = make_user("registrator")
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=clerk)
    closed_day = do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=admin_user)
    with pytest.raises(PermissionDenied):
        do_remove_closed_day(closed_day, actor=clerk)
    assert ClosedDay.objects.count() == 1
    assert AuditEvent.objects.count() == events + 1


def test_one_closed_day_per_date(municipality: Municipality, admin_user: User) -> None:
    do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=admin_user)
    with pytest.raises(ValidationError):
        do_add_closed_day(municipality, KLAMDAG, "Igen", actor=admin_user)
    assert AuditEvent.objects.filter(action="workdays.add_closed_day").count() == 1


def test_closed_days_of_one_or_all(municipality: Municipality, admin_user: User) -> None:
    other = make_municipality("Grannkommun")
    do_add_closed_day(municipality, KLAMDAG, "Klämdag", actor=admin_user)
    do_add_closed_day(other, date(2026, 1, 5), "Trettondagsafton", actor=admin_user)
    assert closed_days(municipality) == {KLAMDAG}
    assert closed_days(other) == {date(2026, 1, 5)}
    assert closed_days() == {KLAMDAG, date(2026, 1, 5)}


def test_admin_adds_and_removes_through_the_actions(
    municipality: Municipality, admin_user: User, client: Client
) -> None:
    client.force_login(admin_user)
    data = {"municipality": municipality.pk, "date": "2025-05-30", "reason": "Klämdag"}
    response = client.post("/admin/workdays/closedday/add/", data)
    assert response.status_code == 302
    closed_day = ClosedDay.objects.get()
    assert (closed_day.date, closed_day.reason) == (KLAMDAG, "Klämdag")

    change = f"/admin/workdays/closedday/{closed_day.pk}/change/"
    assert client.post(change, {**data, "reason": "Annat"}).status_code == 403

    response = client.post(f"/admin/workdays/closedday/{closed_day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ClosedDay.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="workdays.").values_list("action", flat=True)
    )
    assert actions == ["workdays.add_closed_day", "workdays.remove_closed_day"]


def test_admin_bulk_delete_goes_through_the_action(
    municipality: Municipality, admin_user: User, client: Client
) -> None:
    days = [
        do_add_closed_day(municipality, day, "Klämdag", actor=admin_user)
        for day in (KLAMDAG, date(2026, 5, 15))
    ]
    client.force_login(admin_user)
    response = client.post(
        "/admin/workdays/closedday/",
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )
    assert response.status_code == 302
    assert not ClosedDay.objects.exists()
    assert AuditEvent.objects.filter(action="workdays.remove_closed_day").count() == 2
