"""Who may do what in committee administration. The system itself (actor None: the
demo, commands) may do everything. Who may read what is the gate's to say
(kansli.access.rules); `mask_items` applies it to the items a page shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kansli.access.protected import NOTHING, hiders
from kansli.access.rules import PREPARING_ROLES, may_read_item
from kansli.meetings.models import AgendaItem, ApprovalComment, Body, Minutes
from kansli.org.models import Role
from kansli.registry.permissions import require_role


def require_secretary(actor: Any, body: Body) -> None:
    """The body's secretary (nämndsekreterare) runs its meetings and minutes."""
    require_role(actor, body.authority, [Role.SECRETARY], f"sköta {body.code}s sammanträden")


def require_preparing(actor: Any, body: Body) -> None:
    """Officers, secretaries, managers and registrars of the authority prepare items."""
    require_role(actor, body.authority, PREPARING_ROLES, f"anmäla ärenden till {body.code}")


def mask_items(user: Any, items: Iterable[AgendaItem], *, entitled: bool = False) -> None:
    """Give each item `shown_title` and `hidden` for the user: the title (a protected
    identity in it hidden from all but the case's officer and registrars), or the public
    heading of a non-public item the user may not read in full (its proposal and
    decision are then not shown either). `entitled`: the user reads every item (the
    chair and the approvers, members of the body, on the minutes)."""
    items = list(items)
    cases = {i.case_id: i.case for i in items if i.case is not None}  # not a procedural item's
    hide = {} if entitled else hiders(user, cases.values())
    for item in items:
        hidden = not entitled and not may_read_item(user, item)
        item.hidden = hidden  # type: ignore[attr-defined]
        # A protected identity in the title: only for the case's officer and registrars.
        hider = NOTHING if item.case_id is None else hide.get(item.case_id, NOTHING)
        shown = item.public_heading if hidden else hider(item.title)
        item.shown_title = shown  # type: ignore[attr-defined]


def paragraph_hiders(user: Any, minutes: Minutes) -> Callable[[int | None], Callable[[str], str]]:
    """For a text written on one § of the minutes (by the §'s id) or on the whole of
    them (None): what hides in it the protected identities (OSL 21 kap. 3 §) the user
    may not know, the §'s case's parties, or every such party of the minutes."""
    case_of = {p.pk: p.item.case for p in minutes.paragraphs.select_related("item__case")}
    hide = hiders(user, [case for case in case_of.values() if case is not None])

    def everyone(text: str) -> str:
        for one in hide.values():
            text = one(text)
        return text

    def hiding(paragraph_id: int | None) -> Callable[[str], str]:
        if paragraph_id is None:
            return everyone
        case = case_of.get(paragraph_id)
        return NOTHING if case is None else hide.get(case.pk, NOTHING)

    return hiding


def mask_comments(
    user: Any, minutes: Minutes, comments: Iterable[ApprovalComment], *, entitled: bool
) -> None:
    """Rewrite, in memory and for showing only, the approvers' comments on the draft and
    the answers to them: a protected identity hidden from whoever may not know it
    (paragraph_hiders). `entitled`: the chair and the approvers, who read the names on
    the draft."""
    if entitled:
        return
    hiding = paragraph_hiders(user, minutes)
    for comment in comments:
        one = hiding(comment.paragraph_id)
        comment.text, comment.answer = one(comment.text), one(comment.answer)
