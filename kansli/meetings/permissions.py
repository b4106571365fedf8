"""Who may do what in committee administration. The system itself (actor None: the
demo, commands) may do everything."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from kansli.access.protected import NOTHING, hiders
from kansli.access.rules import may_read_case_secrets
from kansli.meetings.models import AgendaItem, Body
from kansli.org.models import ElectedPosition, Role
from kansli.registry.permissions import REGISTERING_ROLES, has_role, require_role

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


def may_read_item(user: Any, item: AgendaItem) -> bool:
    """Whether the user reads a non-public item's title, proposal and decision in full
    (kansli.meetings.models.AgendaItem.secrecy): the authority's secretaries, who write
    the minutes, and those who read the case's secret content (its access group, a
    grant, its officer). Members read it in the portal as members. Others see the §
    number, the neutral heading and the provision."""
    if item.secrecy_id is None:
        return True
    return has_role(user, item.case.authority, [Role.SECRETARY]) or may_read_case_secrets(
        user, item.case
    )


def mask_items(user: Any, items: Iterable[AgendaItem], *, entitled: bool = False) -> None:
    """Give each item `shown_title` and `hidden` for the user: the title (a protected
    identity in it hidden from all but the case's officer and registrars), or the public
    heading of a non-public item the user may not read in full (its proposal and
    decision are then not shown either). `entitled`: the user reads every item (the
    chair and the approvers, members of the body, on the minutes)."""
    items = list(items)
    hide = {} if entitled else hiders(user, {item.case_id: item.case for item in items}.values())
    for item in items:
        hidden = not entitled and not may_read_item(user, item)
        item.hidden = hidden  # type: ignore[attr-defined]
        # A protected identity in the title: only for the case's officer and registrars.
        shown = item.public_heading if hidden else hide.get(item.case_id, NOTHING)(item.title)
        item.shown_title = shown  # type: ignore[attr-defined]


def may_read_secret_part(user: Any, minutes: Any) -> bool:
    """Whether the user reads the minutes' non-public part: every non-public item in it
    in full (kansli.meetings.permissions.may_read_item)."""
    items = [p.item for p in minutes.paragraphs.select_related("item__case__authority")]
    return all(may_read_item(user, item) for item in items)
