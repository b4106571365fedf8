"""`{% privacy_links as links %}`: whether the main menu offers the person search (to
those who answer personal data requests: kansli.privacy.actions.SEARCHING_ROLES)."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.org.permissions import roles_held
from kansli.privacy.actions import SEARCHING_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"search": False}
    cached = getattr(user, "_kansli_privacy_links", None)
    if cached is None:
        cached = {"search": bool(roles_held(user) & set(SEARCHING_ROLES))}
        user._kansli_privacy_links = cached
    return dict(cached)
