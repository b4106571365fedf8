"""Keeping sändlistor: who may, what is refused, what the audit keeps."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kansli.audit.models import AuditEvent
from kansli.distribution import actions
from kansli.distribution.models import Channel, DistributionList, Member
from kansli.distribution.testing import make_list
from kansli.distribution.tests.test_pages import other_municipality_staff
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_sysadmin, make_user
from kansli.registry.testing import make_registrar

pytestmark = pytest.mark.django_db


def test_a_list_is_created_renamed_kept_and_closed_with_audit() -> None:
    ks = make_authority()
    secretary = make_user(roles=[(Role.SECRETARY, ks)])
    dlist = actions.do_create_list(ks.municipality, " KS ledamöter ", authority=ks, actor=secretary)
    assert dlist.name == "KS ledamöter" and dlist.created_by == secretary
    actions.do_rename_list(dlist, "KS ledamöter och ersättare", actor=secretary)
    member = actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.EMAIL, name="Eva Ek", email="eva@example.se",
        actor=secretary,
    )  # fmt: skip
    assert member.address == "eva@example.se"
    actions.do_remove_member(member, actor=secretary)
    actions.do_close_list(dlist, actor=secretary)
    dlist.refresh_from_db()
    assert dlist.name == "KS ledamöter och ersättare" and dlist.closed_at is not None
    with pytest.raises(ValidationError, match="stängd"):
        actions.do_add_member(
            dlist, Member.Kind.EXTERNAL, Channel.EMAIL, name="X", email="x@example.se",
            actor=secretary,
        )  # fmt: skip
    done = list(AuditEvent.objects.filter(action__startswith="distribution.").values_list(
        "action", flat=True))  # fmt: skip
    assert done == [
        "distribution.create", "distribution.rename", "distribution.add_member",
        "distribution.remove_member", "distribution.close",
    ]  # fmt: skip


def test_only_keepers_change_a_list() -> None:
    ks = make_authority()
    bn = make_authority("BN", "Byggnadsnämnden")
    officer = make_user(roles=[(Role.OFFICER, ks)])
    other_secretary = make_user(roles=[(Role.SECRETARY, bn)])
    with pytest.raises(PermissionDenied):
        actions.do_create_list(ks.municipality, "Lista", authority=ks, actor=officer)
    with pytest.raises(PermissionDenied):
        actions.do_create_list(ks.municipality, "Lista", authority=ks, actor=other_secretary)
    # A shared list: a system administrator or a registrar of any authority, not a secretary.
    with pytest.raises(PermissionDenied):
        actions.do_create_list(ks.municipality, "Alla", actor=other_secretary)
    shared = actions.do_create_list(ks.municipality, "Alla", actor=make_registrar(bn))
    actions.do_rename_list(shared, "Alla handläggare", actor=make_sysadmin())
    assert not DistributionList.objects.filter(name="Lista").exists()


@pytest.mark.parametrize(
    ("kind", "channel", "values", "field"),
    [
        (Member.Kind.EXTERNAL, Channel.EMAIL, {"name": "A", "email": "inte-en-adress"}, "email"),
        (Member.Kind.EXTERNAL, Channel.LETTER, {"name": "A"}, "postal_address"),
        (Member.Kind.EXTERNAL, Channel.PORTAL, {"name": "A", "email": "a@b.se"}, "channel"),
        (Member.Kind.EXTERNAL, Channel.EMAIL, {"email": "a@b.se"}, "name"),
        (Member.Kind.USER, Channel.EMAIL, {}, "user"),
        ("okand", Channel.EMAIL, {"name": "A", "email": "a@b.se"}, "kind"),
    ],
)
def test_bad_members_are_refused_in_swedish_and_nothing_is_saved(
    kind: str, channel: str, values: dict[str, Any], field: str
) -> None:
    dlist = make_list(make_authority())
    with pytest.raises(ValidationError) as refused:
        actions.do_add_member(dlist, kind, channel, actor=None, **values)
    assert field in refused.value.message_dict
    assert dlist.members.count() == 2


def test_the_portal_is_for_elected_members_and_a_user_is_on_a_list_once() -> None:
    ks = make_authority()
    dlist = make_list(ks)
    staff = make_user(roles=[(Role.OFFICER, ks)], email="h@kommun.se")
    member = make_user(roles=[(Role.ELECTED, ks)])
    with pytest.raises(ValidationError, match="förtroendevalda"):
        actions.do_add_member(dlist, Member.Kind.USER, Channel.PORTAL, user=staff, actor=None)
    actions.do_add_member(dlist, Member.Kind.USER, Channel.PORTAL, user=member, actor=None)
    actions.do_add_member(dlist, Member.Kind.USER, Channel.EMAIL, user=staff, actor=None)
    with pytest.raises(ValidationError, match="redan"):
        actions.do_add_member(dlist, Member.Kind.USER, Channel.EMAIL, user=staff, actor=None)
    assert dlist.members.count() == 4
    # Someone of another municipality, or no longer at work, is no user to choose.
    stranger = other_municipality_staff()
    gone = make_user(roles=[(Role.OFFICER, ks)], email="g@kommun.se")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    for user in (stranger, gone):
        with pytest.raises(ValidationError, match="användare i kommunen"):
            actions.do_add_member(dlist, Member.Kind.USER, Channel.LETTER, user=user,
                                  postal_address="Gatan 1", actor=None)  # fmt: skip
    assert dlist.members.count() == 4
