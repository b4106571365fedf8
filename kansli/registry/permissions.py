"""Who may change what in the registry. The system itself (actor None: imports and
commands run on the server) may do everything."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kansli.org.models import Authority, Role, RoleAssignment

REGISTERING_ROLES = [Role.REGISTRAR, Role.OFFICER, Role.SECRETARY, Role.MANAGER]
ASSIGNING_ROLES = [Role.REGISTRAR, Role.MANAGER]


def has_role(user: Any, authority: Authority, roles: list[Role]) -> bool:
    return (
        RoleAssignment.objects.valid_on()
        .filter(user=user, authority=authority, role__in=roles)
        .exists()
    )


def require_role(actor: Any, authority: Authority, roles: list[Role], what: str) -> None:
    if actor is not None and not has_role(actor, authority, roles):
        raise PermissionDenied(f"Du har inte behörighet att {what} för {authority.code}.")


def require_registering(actor: Any, authority: Authority) -> None:
    require_role(actor, authority, REGISTERING_ROLES, "registrera")


def require_case_handling(actor: Any, case: Any) -> None:
    """The case's own officer, or a registrar or manager of its authority."""
    if actor is not None and case.officer_id == actor.pk:
        return
    require_role(actor, case.authority, ASSIGNING_ROLES, "ändra ärendet")
