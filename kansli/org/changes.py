"""Reading and applying field values for audit events: what an object looked like
before and after an action, field by field, with many-to-many fields as sorted ids."""

from __future__ import annotations

from typing import Any

from django.db import models


def value_of(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    return getattr(obj, name)


def snapshot(obj: models.Model, names: list[str]) -> dict[str, Any]:
    return {name: value_of(obj, name) for name in names}


def apply_changes(
    obj: models.Model, changes: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed fields and save; returns (before, after) for the fields that
    really changed. Many-to-many values are set after the row is saved."""
    before = snapshot(obj, list(changes))
    plain = {k: v for k, v in changes.items() if not obj._meta.get_field(k).many_to_many}
    related = {k: v for k, v in changes.items() if obj._meta.get_field(k).many_to_many}
    for name, value in plain.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, value in related.items():
        getattr(obj, name).set(value)
    after = snapshot(obj, list(changes))
    changed = [name for name in changes if before[name] != after[name]]
    return {k: before[k] for k in changed}, {k: after[k] for k in changed}
