"""The roles a user holds today, read once a request (kansli.org.permissions.held_today)
for the menu, the access gate and a page's own questions, and read again after an
action changes them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansli.access.rules import reader
from kansli.org.actions import do_change_authority, do_end_role, do_grant_role
from kansli.org.models import Role
from kansli.org.permissions import (
    authority_ids_with,
    held_today,
    holds_role,
    holds_role_at,
    roles_held,
)
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_incoming
from kansli.web.testing import signed_in
from kansli.web.tests.test_menu import role_reads

pytestmark = pytest.mark.django_db


def test_a_case_page_and_a_search_read_the_users_roles_once() -> None:
    ks = make_authority()
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks), (Role.SECRETARY, ks)])
    case = make_case()
    make_incoming(case, description="Ansökan om bidrag")
    client = signed_in(registrar)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/arenden/{case.pk}/")
    assert page.status_code == 200 and "Ansökan om bidrag" in page.content.decode()
    # The page's questions (the gate, the menu, what the user may do with the case, who
    # sees protected names) are answered by one read; the two left are the rule of
    # kansli.access.actions.may_move_cases, which the actions also use and which asks
    # the database itself, as every action's check does.
    assert role_reads(registrar, queries) == 3
    with CaptureQueriesContext(connection) as queries:
        found = client.get("/sok/", {"q": "bidrag"})
    assert case.case_number in found.content.decode()
    assert role_reads(registrar, queries) == 1


def test_granting_or_ending_a_role_is_seen_at_once_on_the_same_user() -> None:
    ks, bn = make_authority(), make_authority("BN", "Byggnadsnämnden")
    user = make_user("eva", roles=[(Role.OFFICER, ks)])
    assert roles_held(user) == {Role.OFFICER}
    began = timezone.localdate() - datetime.timedelta(days=10)
    assert reader(user).municipalities == [ks.municipality_id]
    assignment = do_grant_role(user, Role.REGISTRAR, authority=bn, valid_from=began, actor=None)
    assert holds_role_at(user, [Role.REGISTRAR], bn.pk)
    assert not holds_role_at(user, [Role.REGISTRAR], None)  # no authority is not any
    do_end_role(assignment, timezone.localdate() - datetime.timedelta(days=1), actor=None)
    assert not holds_role(user, [Role.REGISTRAR]) and roles_held(user) == {Role.OFFICER}
    # The gate's reader is made from the same read, and follows it.
    admin = do_grant_role(user, Role.SYSADMIN, valid_from=began, actor=None)
    assert reader(user).municipalities is None
    do_end_role(admin, timezone.localdate() - datetime.timedelta(days=1), actor=None)
    assert reader(user).municipalities == [ks.municipality_id]


def test_an_authority_that_has_ended_counts_only_where_asked() -> None:
    ks, old = make_authority(), make_authority("GN", "Gamla nämnden")
    user = make_user("eva", roles=[(Role.OFFICER, ks), (Role.OFFICER, old)])
    do_change_authority(old, valid_to=timezone.localdate() - datetime.timedelta(days=1),
                        actor=None)  # fmt: skip
    assert authority_ids_with(user, [Role.OFFICER]) == [ks.pk]  # Authority.valid_on()
    assert authority_ids_with(user, [Role.OFFICER], current=False) == sorted([ks.pk, old.pk])


def test_a_deactivated_or_signed_out_user_holds_nothing() -> None:
    user = make_user("eva", roles=[(Role.REGISTRAR, make_authority())])
    user.is_active = False
    assert held_today(user) == () and not holds_role(user, [Role.REGISTRAR])
    assert held_today(None) == ()
