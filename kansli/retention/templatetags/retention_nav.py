"""`{% retention_links as links %}`: whether the main menu offers the disposal pages
(to those who read disposal lists and holds: access.rules.HOLD_READERS)."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.rules import HOLD_READERS
from kansli.org.permissions import roles_held

register = template.Library()


@register.simple_tag(takes_context=True)
def retention_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"disposal": False}
    cached = getattr(user, "_kansli_retention_links", None)
    if cached is None:
        cached = {"disposal": bool(roles_held(user) & set(HOLD_READERS))}
        user._kansli_retention_links = cached
    return dict(cached)
