"""Who may change the organisation. The role assignments are the source of truth."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kansli.org.models import Role, RoleAssignment


def is_sysadmin(user: Any, day: datetime.date | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return RoleAssignment.objects.valid_on(day).filter(user=user, role=Role.SYSADMIN).exists()


@dataclass(frozen=True)
class Held:
    """A role the user holds today, where: the authority (None for the installation's
    system administration), its municipality, and whether the authority itself exists
    today (Authority.valid_on)."""

    role: str
    authority_id: int | None
    municipality_id: int | None
    authority_current: bool


HELD = "_kansli_held_today"


def held_today(user: Any) -> tuple[Held, ...]:
    """The user's roles today, read in one statement once a request and kept on the
    request's user object: the main menu, the access gate and a page's own questions
    (may this user register here, see protected names, prepare meetings) each ask,
    about ten times a staff page. The registry's actions ask the database themselves
    (kansli.registry.permissions.has_role); granting or ending a role forgets this read
    (forget_roles), and so does the access gate's own reader, which is made from it.
    Ending an authority is seen from the next request on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ()
    held: tuple[Held, ...] | None = getattr(user, HELD, None)
    if held is None:
        today = timezone.localdate()
        rows = (
            RoleAssignment.objects.valid_on(today)
            .filter(user=user)
            .order_by()
            .values_list("role", "authority_id", "authority__municipality_id",
                         "authority__valid_from", "authority__valid_to")
        )  # fmt: skip
        held = tuple(
            Held(role, authority, municipality, authority is not None and (
                starts <= today and (ends is None or ends >= today)))
            for role, authority, municipality, starts, ends in rows
        )  # fmt: skip
        setattr(user, HELD, held)
    return held


def forget_roles(user: Any) -> None:
    """Read the user's roles again on the next question (they changed)."""
    if hasattr(user, HELD):
        delattr(user, HELD)


def roles_held(user: Any) -> frozenset[str]:
    """The roles the user holds today, for any authority (held_today)."""
    return frozenset(h.role for h in held_today(user))


def authority_ids_with(user: Any, roles: Iterable[str], *, current: bool = True) -> list[int]:
    """The authorities for which the user holds one of the roles today; with `current`
    only those that exist today themselves."""
    wanted = set(roles)
    return sorted({
        h.authority_id for h in held_today(user)
        if h.role in wanted and h.authority_id is not None and (h.authority_current or not current)
    })  # fmt: skip


def holds_role(user: Any, roles: Iterable[str]) -> bool:
    """Whether the user holds one of the roles today, for any authority."""
    wanted = set(roles)
    return any(h.role in wanted for h in held_today(user))


def holds_role_at(user: Any, roles: Iterable[str], authority_id: int | None) -> bool:
    """Whether the user holds one of the roles today for the authority (for none when
    it is None: no authority is not "any authority")."""
    wanted = set(roles)
    return authority_id is not None and any(
        h.role in wanted and h.authority_id == authority_id for h in held_today(user)
    )


def require_sysadmin(actor: Any) -> None:
    """Organisation, users and roles are changed by system administrators, or by the
    system itself (actor None: the install and demo commands run on the server)."""
    if actor is not None and not is_sysadmin(actor):
        raise PermissionDenied("Endast systemadministratörer får ändra organisationen.")
