import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.org import actions
from kansli.org.models import ElectedPosition, Role, Unit, User
from kansli.org.testing import (
    make_authority,
    make_municipality,
    make_sysadmin,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_creating_a_unit_writes_an_audit_event_with_its_values() -> None:
    admin = make_sysadmin()
    ks = make_authority("KS")
    unit = actions.do_create_unit(
        make_municipality(), Unit.Kind.ADMINISTRATION, "Kommunledningskontoret",
        authorities=[ks], valid_from=D(2009, 1, 1), actor=admin,
    )  # fmt: skip
    created = events("org.create_unit")[-1]
    assert created.object_id == str(unit.pk)
    assert created.actor_id == admin.pk
    assert created.after is not None and created.after["name"] == "Kommunledningskontoret"
    assert created.after["valid_from"] == "2009-01-01"
    assert events("org.change_unit")[-1].after == {"authorities": [ks.pk]}


def test_a_change_records_only_the_fields_that_changed() -> None:
    admin = make_sysadmin()
    unit = make_unit("Ekonomikontoret")
    actions.do_change_unit(unit, name="Ekonomiavdelningen", kind=unit.kind, actor=admin)
    change = events("org.change_unit")[-1]
    assert change.before == {"name": "Ekonomikontoret"}
    assert change.after == {"name": "Ekonomiavdelningen"}
    count = AuditEvent.objects.count()
    actions.do_change_unit(unit, name="Ekonomiavdelningen", actor=admin)
    assert AuditEvent.objects.count() == count  # nothing changed, nothing recorded


def test_only_system_administrators_change_the_organisation() -> None:
    officer = make_user("officer", roles=[(Role.OFFICER, make_authority("KS"))])
    before = (Unit.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        actions.do_create_unit(make_municipality(), Unit.Kind.SECTION, "Ny enhet", actor=officer)
    with pytest.raises(PermissionDenied):
        actions.do_change_user(officer, title="Chef", actor=officer)
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_hassleholm_reorganisation_keeps_the_history() -> None:
    """Three offices merged into one kommunledningskontor with a stab and six avdelningar
    (the Hässleholm seed, 2009)."""
    admin = make_sysadmin()
    municipality = make_municipality("Hässleholms kommun")
    old = [
        actions.do_create_unit(
            municipality, Unit.Kind.OFFICE, name, valid_from=D(2000, 1, 1), actor=admin
        )
        for name in ["Kommunledningskontoret", "Ekonomikontoret", "Personalkontoret"]
    ]
    section = actions.do_create_unit(
        municipality, Unit.Kind.SECTION, "Löneenheten", parent=old[2],
        valid_from=D(2000, 1, 1), actor=admin,
    )  # fmt: skip
    clerk = make_user("lon", unit=section)
    new = actions.do_create_unit(
        municipality, Unit.Kind.OFFICE, "Kommunledningskontoret", valid_from=D(2009, 1, 1),
        actor=admin,
    )  # fmt: skip
    parts = ["Stab"] + [f"Avdelning {n}" for n in range(1, 7)]
    for name in parts:
        kind = Unit.Kind.STAFF if name == "Stab" else Unit.Kind.DEPARTMENT
        actions.do_create_unit(
            municipality, kind, name, parent=new, valid_from=D(2009, 1, 1), actor=admin
        )

    with pytest.raises(ValidationError):  # staff must be moved first
        actions.do_close_unit(old[2], D(2008, 12, 31), successors=[new], actor=admin)
    actions.do_change_user(clerk, unit=new.children.get(name="Avdelning 1"), actor=admin)
    for unit in old:
        actions.do_close_unit(unit, D(2008, 12, 31), successors=[new], actor=admin)

    before = Unit.objects.filter(municipality=municipality).valid_on(D(2008, 12, 31))
    after = Unit.objects.filter(municipality=municipality).valid_on(D(2009, 1, 1))
    assert {u.pk for u in before} == {u.pk for u in old} | {section.pk}
    assert {u.name for u in after} == {"Kommunledningskontoret", *parts}
    section.refresh_from_db()
    assert section.valid_to == D(2008, 12, 31)  # a part closes with its unit
    assert list(old[1].successors.all()) == [new]
    assert set(new.predecessors.all()) == set(old)
    assert len(events("org.close_unit")) == 4


def test_a_unit_does_not_move_in_the_tree() -> None:
    admin = make_sysadmin()
    a, b = make_unit("A"), make_unit("B")
    child = make_unit("C", parent=a, kind=Unit.Kind.SECTION)
    with pytest.raises(ValidationError):
        actions.do_change_unit(child, parent=b, actor=admin)


def test_system_administrator_role_opens_and_closes_the_admin() -> None:
    admin = make_sysadmin()
    user = make_user("anna")
    assert not user.is_staff
    role = actions.do_grant_role(user, Role.SYSADMIN, valid_from=D(2020, 1, 1), actor=admin)
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    actions.do_end_role(role, D(2021, 1, 1), actor=admin)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


def test_roles_are_checked_before_they_are_saved() -> None:
    admin = make_sysadmin()
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    ksau = actions.do_create_committee(ks, "KSAU", "Arbetsutskottet", actor=admin)
    user = make_user("bo")
    with pytest.raises(ValidationError):
        actions.do_grant_role(user, Role.ELECTED, authority=ks, actor=admin)  # no position
    with pytest.raises(ValidationError):
        actions.do_grant_role(user, Role.REGISTRAR, actor=admin)  # no authority
    with pytest.raises(ValidationError):
        actions.do_grant_role(user, Role.OFFICER, authority=bun, committee=ksau, actor=admin)
    chair = actions.do_grant_role(
        user, Role.ELECTED, committee=ksau, position=ElectedPosition.CHAIR, actor=admin
    )
    assert chair.authority == ks
    assert user.roles.count() == 1


def test_users_are_deactivated_never_deleted() -> None:
    admin = make_sysadmin()
    user = make_user("cecilia")
    actions.do_change_user(user, is_active=False, actor=admin)
    assert User.objects.get(username="cecilia").is_active is False
    with pytest.raises(ValidationError):
        actions.do_change_user(user, is_superuser=True, actor=admin)


def test_what_starts_today_starts_on_swedens_date_also_after_23_utc(monkeypatch) -> None:
    # 23:30 UTC on 5 December is 00:30 on 6 December in Sweden.
    late = datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    authority = make_authority("BN", "Byggnadsnämnden")
    assert authority.valid_from == D(2026, 12, 6)
