"""Test helpers that build organisations through the real actions."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from typing import Any

from kansli.org import actions
from kansli.org.models import (
    Authority,
    ElectedPosition,
    Municipality,
    Role,
    RoleAssignment,
    Unit,
    User,
)  # fmt: skip

_counter = itertools.count(1)


def make_municipality(name: str = "Provkommun") -> Municipality:
    found = Municipality.objects.filter(name=name).first()
    return found or actions.do_create_municipality(name, actor=None)


def make_authority(code: str = "KS", name: str = "Kommunstyrelsen", **kwargs: Any) -> Authority:
    found = Authority.objects.filter(code=code).first()
    if found:
        return found
    kind = kwargs.pop("kind", Authority.Kind.EXECUTIVE if code == "KS" else Authority.Kind.BOARD)
    return actions.do_create_authority(make_municipality(), kind, code, name, actor=None, **kwargs)


def make_unit(name: str = "Kansliet", **kwargs: Any) -> Unit:
    kind = kwargs.pop("kind", Unit.Kind.ADMINISTRATION)
    return actions.do_create_unit(make_municipality(), kind, name, actor=None, **kwargs)


def make_user(
    username: str | None = None,
    *,
    roles: Sequence[tuple[str, Authority | None]] = (),
    password: str = "secret-password-1",  # noqa: S107 - test data
    **kwargs: Any,
) -> User:
    username = username or f"user{next(_counter)}"
    user = actions.do_create_user(username, password=password, actor=None, **kwargs)
    for role, authority in roles:
        position = ElectedPosition.MEMBER if role == Role.ELECTED else ""
        actions.do_grant_role(
            user, role, authority=authority, position=position,
            valid_from=datetime.date(2020, 1, 1), actor=None,
        )  # fmt: skip
    return user


def make_sysadmin(username: str = "sysadmin") -> User:
    return make_user(username, roles=[(Role.SYSADMIN, None)])


def role_of(user: User, role: str) -> RoleAssignment:
    return user.roles.get(role=role)
