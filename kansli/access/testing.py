"""Helpers for tests: access groups with members, made through the real actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kansli.access import actions
from kansli.access.models import AccessGroup
from kansli.org.models import Authority, Unit


def make_access_group(
    authority: Authority, members: Iterable[Any] = (), *, unit: Unit | None = None,
    name: str = "",
) -> AccessGroup:  # fmt: skip
    """The authority's general group (or the unit's), with `members`. Cases registered
    from then on belong to it by default; earlier ones are moved to it too."""
    group = actions.do_create_access_group(
        authority, name or (unit.name if unit else f"{authority.code} allmän"), unit=unit,
        actor=None,
    )  # fmt: skip
    for user in members:
        actions.do_add_member(group, user, actor=None)
    for case in authority.cases.filter(access_group__isnull=True):
        actions.do_move_case_to_group(case, group, actor=None)
    return group
