"""Who may change the organisation. The role assignments are the source of truth."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from kansli.org.models import Role, RoleAssignment


def is_sysadmin(user: Any, day: datetime.date | None = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return RoleAssignment.objects.valid_on(day).filter(user=user, role=Role.SYSADMIN).exists()


def roles_held(user: Any) -> frozenset[str]:
    """The roles the user holds today, for any authority. Read once a request and kept
    on the request's user object: the main menu's five parts each ask."""
    if user is None or not user.is_authenticated:
        return frozenset()
    held: frozenset[str] | None = getattr(user, "_kansli_roles_held", None)
    if held is None:
        today = RoleAssignment.objects.valid_on().filter(user=user).order_by()
        held = frozenset(today.values_list("role", flat=True))
        user._kansli_roles_held = held
    return held


def require_sysadmin(actor: Any) -> None:
    """Organisation, users and roles are changed by system administrators, or by the
    system itself (actor None: the install and demo commands run on the server)."""
    if actor is not None and not is_sysadmin(actor):
        raise PermissionDenied("Endast systemadministratörer får ändra organisationen.")
