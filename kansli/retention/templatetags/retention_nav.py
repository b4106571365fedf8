"""`{% retention_links as links %}`: whether the main menu offers the disposal pages
(to those who read disposal lists and holds: access.rules.HOLD_READERS)."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.rules import HOLD_READERS
from kansli.org.models import RoleAssignment

register = template.Library()


@register.simple_tag(takes_context=True)
def retention_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"disposal": False}
    cached = getattr(user, "_kansli_retention_links", None)
    if cached is None:
        held = RoleAssignment.objects.valid_on().filter(user=user, role__in=HOLD_READERS)
        cached = {"disposal": held.exists()}
        user._kansli_retention_links = cached
    return dict(cached)
