"""Who may change what in the registry. The system itself (actor None: imports and
commands run on the server) may do everything."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kansli.org.models import Authority, Role
from kansli.rows import execute

REGISTERING_ROLES = [Role.REGISTRAR, Role.OFFICER, Role.SECRETARY, Role.MANAGER]
ASSIGNING_ROLES = [Role.REGISTRAR, Role.MANAGER]


def has_role(user: Any, authority: Authority, roles: list[Role]) -> bool:
    """Whether the user holds one of the roles for the authority today. Plain SQL (the
    same as RoleAssignment.objects.valid_on().filter(...).exists()): every registration
    asks it, and the ORM's query building costs more than the query."""
    marks = ", ".join(["%s"] * len(roles))
    # Only placeholders are put into the statement.
    sql = (
        "SELECT 1 FROM org_roleassignment WHERE user_id = %s AND authority_id = %s "  # noqa: S608
        f"AND role IN ({marks}) AND valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s) "
        "LIMIT 1"
    )
    today = timezone.localdate().isoformat()
    found = execute(sql, [user.pk, authority.pk, *map(str, roles), today, today])
    return found.fetchone() is not None


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
