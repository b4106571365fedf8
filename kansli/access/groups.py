"""Which access group a new case belongs to."""

from __future__ import annotations

from kansli.access.models import AccessGroup
from kansli.org.models import Authority, Unit


def default_group(authority: Authority, unit: Unit | None) -> AccessGroup | None:
    """The group of the case's responsible unit, or of the nearest unit above it that
    has one, else the authority's general group (None if it has none yet)."""
    groups = {group.unit_id: group for group in AccessGroup.objects.filter(authority=authority)}
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        if unit.pk in groups:
            return groups[unit.pk]
        seen.add(unit.pk)
        unit = unit.parent
    return groups.get(None)
