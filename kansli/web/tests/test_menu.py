"""The main menu offers each person the pages their roles today give them a use for,
and reads those roles once a request (its five parts each ask)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansli.org.actions import do_grant_role
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db
LINKS = {"Registrera", "Gallring", "E-arkiv", "Personuppgifter", "Mina sammanträden"}


def role_reads(user: Any, queries: CaptureQueriesContext) -> int:
    """The statements that ask which roles the user holds, through the ORM or as plain
    SQL (kansli.registry.permissions.has_role); the start page's list of them, whole
    rows, is the page's content, not a question."""
    orm = ('FROM "org_roleassignment"', f'"org_roleassignment"."user_id" = {user.pk}')
    plain = ("FROM org_roleassignment", f"user_id = {user.pk}")
    return sum(
        1 for q in queries
        if any(table in q["sql"] and own in q["sql"] for table, own in (orm, plain))
        and not q["sql"].startswith('SELECT "org_roleassignment"."id"')
    )  # fmt: skip


def menu(user: Any) -> tuple[set[str], int]:
    with CaptureQueriesContext(connection) as queries:
        html = signed_in(user).get("/").content.decode()
    nav = html.split('<nav aria-label="Huvudmeny">', 1)[1].split("</nav>", 1)[0]
    return {link for link in LINKS if f">{link}<" in nav}, role_reads(user, queries)


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.REGISTRAR, {"Registrera", "Gallring", "Personuppgifter"}),
        (Role.ARCHIVIST, {"Gallring", "E-arkiv", "Personuppgifter"}),
        (Role.OFFICER, {"Registrera"}),
        (Role.ELECTED, {"Mina sammanträden"}),
    ],
)
def test_each_role_gets_its_links(role: str, shown: set[str]) -> None:
    user = make_user(f"anv-{role}", roles=[(role, make_authority())])
    links, _reads = menu(user)
    assert links == shown


def test_a_role_that_has_ended_gives_no_link() -> None:
    user = make_user("tidigare", roles=[(Role.OFFICER, make_authority())])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    began = yesterday - datetime.timedelta(days=30)
    do_grant_role(
        user, Role.ARCHIVIST, authority=make_authority(), valid_from=began, valid_to=yesterday,
        actor=None,
    )  # fmt: skip
    assert menu(user)[0] == {"Registrera"}


def test_the_roles_are_read_once_for_the_whole_menu() -> None:
    ks = make_authority()
    user = make_user("alla", roles=[(Role.REGISTRAR, ks), (Role.ARCHIVIST, ks)])
    links, reads = menu(user)
    assert {"Registrera", "E-arkiv", "Gallring", "Personuppgifter"} <= links
    assert reads == 1  # the five parts asked four times more
