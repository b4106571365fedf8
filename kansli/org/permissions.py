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


def require_sysadmin(actor: Any) -> None:
    """Organisation, users and roles are changed by system administrators, or by the
    system itself (actor None: the install and demo commands run on the server)."""
    if actor is not None and not is_sysadmin(actor):
        raise PermissionDenied("Endast systemadministratörer får ändra organisationen.")
