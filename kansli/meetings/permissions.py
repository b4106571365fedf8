"""Who may do what in committee administration. The system itself (actor None: the
demo, commands) may do everything."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from kansli.meetings.models import Body
from kansli.org.models import ElectedPosition, Role
from kansli.registry.permissions import has_role

PREPARING_ROLES = [Role.OFFICER, Role.SECRETARY, Role.MANAGER, Role.REGISTRAR]
FULL_MEMBERS = [ElectedPosition.MEMBER, ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR]


def require_secretary(actor: Any, body: Body) -> None:
    """The body's secretary (nämndsekreterare) runs its meetings and minutes."""
    if actor is not None and not has_role(actor, body.authority, [Role.SECRETARY]):
        raise PermissionDenied(f"Du är inte nämndsekreterare för {body.code}.")


def require_preparing(actor: Any, body: Body) -> None:
    """Officers, secretaries, managers and registrars of the authority prepare items."""
    if actor is not None and not has_role(actor, body.authority, PREPARING_ROLES):
        raise PermissionDenied(f"Du kan inte anmäla ärenden till {body.code}.")


def position_in(user: Any, body: Body, day: datetime.date) -> str:
    """The user's elected position in the body on the day ("" if none)."""
    if user is None or not user.is_authenticated:
        return ""
    held = body.members_on(day).filter(user=user).values_list("position", flat=True)
    positions = set(held)
    for position in [*FULL_MEMBERS, ElectedPosition.SUBSTITUTE]:
        if position in positions:
            return str(position)
    return ""
