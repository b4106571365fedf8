"""`{% registry_links as links %}`: which registry pages the signed-in user has a use
for, for the main menu and the start page, and how many inbox items wait for them."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.org.models import Role
from kansli.org.permissions import roles_held
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import waiting_items

register = template.Library()

OFFICER_ROLES = {Role.OFFICER, Role.MANAGER}


@register.simple_tag(takes_context=True)
def registry_links(context: template.Context) -> dict[str, bool | int]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"search": False, "register": False, "mine": False, "late": False, "inbox": 0}
    cached = getattr(user, "_kansli_registry_links", None)
    if cached is None:
        roles = roles_held(user)
        registers = bool(roles & set(REGISTERING_ROLES))
        cached = {
            "search": bool(roles - {Role.ELECTED}),
            "register": registers,
            # The inbox's waiting items, counted for the menu.
            "inbox": waiting_items(user).count() if registers else 0,
            "mine": bool(roles & OFFICER_ROLES) or user.cases.exists(),
            "late": Role.REGISTRAR in roles,
        }
        user._kansli_registry_links = cached
    return dict(cached)
