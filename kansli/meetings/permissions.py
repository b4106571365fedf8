"""Who may do what in committee administration. The system itself (actor None: the
demo, commands) may do everything."""

from __future__ import annotations

import datetime
from typing import Any

from kansli.meetings.models import Body
from kansli.org.models import ElectedPosition, Role
from kansli.registry.permissions import REGISTERING_ROLES, require_role

PREPARING_ROLES = REGISTERING_ROLES  # those who register for the authority prepare its items
FULL_MEMBERS = [ElectedPosition.MEMBER, ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR]


def require_secretary(actor: Any, body: Body) -> None:
    """The body's secretary (nämndsekreterare) runs its meetings and minutes."""
    require_role(actor, body.authority, [Role.SECRETARY], f"sköta {body.code}s sammanträden")


def require_preparing(actor: Any, body: Body) -> None:
    """Officers, secretaries, managers and registrars of the authority prepare items."""
    require_role(actor, body.authority, PREPARING_ROLES, f"anmäla ärenden till {body.code}")


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
