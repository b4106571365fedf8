"""Procedural items (formalia): the agenda items that belong to the meeting itself,
not to a case, such as the opening and the choice of approvers. They have no case
number, no report and no secrecy of their own; nothing about them is registered in a
case, extracted or dispatched."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kansli.public.record import Masks, masks_for_cases

NO_MASKS = Masks((), (), False)

# Standardpunkter: what nearly every meeting opens with (KL 5 kap. 69 §: the minutes
# are approved by those chosen for it; the agenda is the meeting's to approve).
STANDARD_ITEMS = [
    "Mötets öppnande",
    "Val av justerare",
    "Godkännande av dagordningen",
]


def masks_for_items(cases: Iterable[Any]) -> dict[int | None, Masks]:
    """The e-diary's masks by case id for the cases of some items, with nothing to mask
    for a procedural item (case None)."""
    found = masks_for_cases(case for case in cases if case is not None)
    masks: dict[int | None, Masks] = {None: NO_MASKS}
    masks.update(found.items())
    return masks
