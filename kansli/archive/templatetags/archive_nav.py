"""`{% archive_links as links %}`: whether the main menu offers the e-archive pages (to
archivists and system administrators: access.rules.visible_transfers)."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.rules import reader
from kansli.org.models import Role
from kansli.org.permissions import roles_held

register = template.Library()


@register.simple_tag(takes_context=True)
def archive_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"transfers": False}
    cached = getattr(user, "_kansli_archive_links", None)
    if cached is None:
        archivist = Role.ARCHIVIST in roles_held(user)
        cached = {"transfers": archivist or reader(user).municipalities is None}
        user._kansli_archive_links = cached
    return dict(cached)
