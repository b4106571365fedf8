"""The attendance as the minutes list it (närvarolista): beslutande (members who
decided), tjänstgörande ersättare with whom they served for, ersättare present,
övriga närvarande (officials and guests with their title) and frånvarande, each person
once per group with the § they were there for ("§ 3–5, 9–12"; nothing for the whole
meeting)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models import Attendance

Capacity = Attendance.Capacity
GROUPS: list[tuple[Promise, tuple[str, ...]]] = [
    (_("Deciding members"), (Capacity.MEMBER,)),  # beslutande
    (_("Serving substitutes"), (Capacity.SUBSTITUTE,)),
    (_("Substitutes"), (Capacity.SUBSTITUTE_PRESENT,)),
    (_("Others present"), (Capacity.OFFICIAL, Capacity.GUEST)),
    (_("Absent"), (Capacity.ABSENT,)),
]


@dataclasses.dataclass
class Listed:
    """One person in one group: name, title (ordförande, justerare, revisor …), whom
    they served for, and the § ranges."""

    name: str
    title: str
    replaces: str
    paragraphs: str
    ranges: list[tuple[int, int]] = dataclasses.field(default_factory=list)


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def ranges_text(ranges: Iterable[tuple[int, int]], first: int, last: int) -> str:
    """ "§ 3–5, 9–12" from the ranges, touching ones joined; "" for the whole meeting."""
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    if merged == [[first, last]] or not merged:
        return ""
    parts = [f"{low}" if low == high else f"{low}–{high}" for low, high in merged]
    return "§ " + ", ".join(parts)


def grouped(
    attendance: Sequence[Attendance], numbers: Sequence[int]
) -> list[tuple[Promise, list[Listed]]]:
    """The groups that have someone, in the order of the minutes. A guest's or
    official's own title first; else a row's `title` (set by kansli.meetings.pdf for
    the chair, approvers and secretary); else the capacity."""
    first, last = (numbers[0], numbers[-1]) if numbers else (0, 0)
    found = []
    for heading, capacities in GROUPS:
        people: dict[tuple[Any, ...], Listed] = {}
        for row in attendance:
            if row.capacity not in capacities:
                continue
            name = _name(row.user) if row.user is not None else row.name
            key = (row.user_id or row.name, row.replaces_id)
            title = row.role_title or getattr(row, "title", "") or row.get_capacity_display()
            listed = people.setdefault(
                key, Listed(name, title, _name(row.replaces) if row.replaces else "", "")
            )
            listed.ranges.append((row.from_paragraph or first, row.to_paragraph or last))
        for listed in people.values():
            listed.paragraphs = ranges_text(listed.ranges, first, last)
        if people:
            found.append((heading, list(people.values())))
    return found
