"""`{% meetings_links as links %}`: whether the signed-in user prepares meetings (staff
of a body's authority) or sits in a body (the member portal), and whether the user
works in an authority (its staff read the snabbnytt), for the main menu."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.rules import works_in_an_authority
from kansli.meetings.views.common import staff_bodies
from kansli.org.models import Role
from kansli.org.permissions import roles_held

register = template.Library()


@register.simple_tag(takes_context=True)
def meetings_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"meetings": False, "portal": False, "news": False}
    cached = getattr(user, "_kansli_meetings_links", None)
    if cached is None:  # once per request, however often the menu is drawn
        cached = {
            "meetings": staff_bodies(user).exists(),
            "portal": Role.ELECTED in roles_held(user),
            "news": works_in_an_authority(user),
        }
        user._kansli_meetings_links = cached
    return dict(cached)
