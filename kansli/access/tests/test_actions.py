"""Changing access: who may, what is audited, and what is refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.access import actions
from kansli.access.models import Grant, Membership
from kansli.access.testing import make_access_group
from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_sysadmin, make_unit, make_user
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_managers_and_administrators_manage_members_and_every_change_is_audited() -> None:
    ks = make_authority("KS")
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    member = make_user("hr", roles=[(Role.OFFICER, ks)])
    group = actions.do_create_access_group(ks, "HR-gruppen", actor=make_sysadmin())
    with pytest.raises(PermissionDenied):
        actions.do_add_member(group, member, actor=registrar)
    membership = actions.do_add_member(group, member, actor=manager)
    with pytest.raises(ValidationError):
        actions.do_add_member(group, member, actor=manager)
    actions.do_end_membership(membership, actor=manager)
    membership.refresh_from_db()
    assert membership.valid_to == TODAY - datetime.timedelta(days=1)
    assert Membership.objects.count() == 1  # ended, not deleted
    logged = list(AuditEvent.objects.filter(action__startswith="access.").values_list(
        "action", "actor_label"))  # fmt: skip
    assert [action for action, _ in logged] == [
        "access.create_group", "access.add_member", "access.end_membership",
    ]  # fmt: skip
    assert "chef" in logged[1][1]
    assert verify().ok


def test_groups_are_created_by_administrators_once_per_authority_and_unit() -> None:
    ks = make_authority("KS")
    with pytest.raises(PermissionDenied):
        actions.do_create_access_group(
            ks, "Allmän", actor=make_user("chef", roles=[(Role.MANAGER, ks)])
        )
    make_access_group(ks)
    with pytest.raises(ValidationError) as error:
        actions.do_create_access_group(ks, "Till", actor=None)
    assert "redan" in error.value.message_dict["unit"][0]
    with pytest.raises(ValidationError):
        actions.do_create_access_group(ks, " ", unit=make_unit("HR"), actor=None)


def test_a_grant_needs_a_reason_and_an_end_and_a_manager() -> None:
    ks = make_authority("KS")
    case = make_case(authority=ks)
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    covering = make_user("vikarie", roles=[(Role.OFFICER, ks)])
    with pytest.raises(ValidationError) as error:
        actions.do_grant_access(case, covering, "", last_day=TODAY - datetime.timedelta(days=1),
                                actor=manager)  # fmt: skip
    assert set(error.value.message_dict) == {"reason", "valid_to"}
    with pytest.raises(PermissionDenied):
        actions.do_grant_access(case, covering, "Vikariat", last_day=TODAY, actor=covering)
    assert not Grant.objects.exists()
    grant = actions.do_grant_access(case, covering, "Vikariat", last_day=TODAY, actor=manager)
    after = AuditEvent.objects.get(action="access.grant").after or {}
    assert after["reason"] == "Vikariat" and after["valid_to"] == TODAY.isoformat()
    assert grant.granted_by == manager


def test_a_case_moves_only_to_a_group_of_its_own_authority() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    case = make_case(authority=ks)
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    with pytest.raises(ValidationError):
        actions.do_move_case_to_group(case, make_access_group(bun), actor=registrar)
    group = actions.do_create_access_group(ks, "HR", unit=make_unit("HR"), actor=None)
    actions.do_move_case_to_group(case, group, actor=registrar)
    case.refresh_from_db()
    assert case.access_group == group
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    with pytest.raises(PermissionDenied):
        actions.do_move_case_to_group(case, group, actor=officer)
