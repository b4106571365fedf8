"""The order of a meeting's agenda and its item numbers, one rule for the meeting page,
the notice, the meeting pack and the minutes.

The sections come in the body's order (Body.section_order), the sections it does not
name after them in the usual order (Section). Within a section the items go by the
secretary's position. A sub-item (underpunkt) follows its parent, whatever its own
section, and is numbered by its parent's number and a letter: 5 a, 5 b under 5. In the
minutes every item, a sub-item too, is a § of its own in this order, so the § numbers
run without gaps; a sub-item's § is printed under its parent's heading."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from typing import Any

from kansli.meetings.models import AgendaItem, Body, Section

LETTERS = string.ascii_lowercase


def section_order(body: Body) -> list[str]:
    """The body's sections in its order: those it names, then the rest as usual."""
    named = [s for s in body.section_order if s in Section.values] if body.section_order else []
    named = list(dict.fromkeys(named))
    return named + [s for s in Section.values if s not in named]


def numbered(body: Body, items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """The items in agenda order, each with `label` ("5", "5 a") and `is_subitem`."""
    items = list(items)
    present = {item.pk for item in items}
    rank = {section: place for place, section in enumerate(section_order(body))}
    top = [i for i in items if i.parent_id is None or i.parent_id not in present]
    top.sort(key=lambda i: (rank.get(i.section, len(rank)), i.position, i.pk))
    under: dict[int, list[AgendaItem]] = {}
    for item in items:
        if item.parent_id is not None and item.parent_id in present:
            under.setdefault(item.parent_id, []).append(item)
    ordered = []
    for number, item in enumerate(top, start=1):
        item.label, item.is_subitem = str(number), False  # type: ignore[attr-defined]
        ordered.append(item)
        subitems = sorted(under.get(item.pk, []), key=lambda i: (i.position, i.pk))
        for place, sub in enumerate(subitems):
            letter = LETTERS[place] if place < len(LETTERS) else str(place + 1)
            sub.label, sub.is_subitem = f"{number} {letter}", True  # type: ignore[attr-defined]
            ordered.append(sub)
    return ordered


def by_section(items: Sequence[AgendaItem]) -> list[tuple[Any, list[AgendaItem]]]:
    """Numbered items (from `numbered`) grouped by section, a sub-item in its parent's,
    empty sections left out."""
    labels = dict(Section.choices)
    groups: list[tuple[str, list[AgendaItem]]] = []
    for item in items:
        sub = getattr(item, "is_subitem", False)
        if groups and (sub or groups[-1][0] == item.section):
            groups[-1][1].append(item)
        else:
            groups.append((item.section, [item]))
    return [(labels[section], found) for section, found in groups]  # lazy: rendered in Swedish
