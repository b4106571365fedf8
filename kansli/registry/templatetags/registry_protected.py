"""`{% shown_title case %}`: a case's title as the signed-in user may read it, the names
of parties with protected identity replaced for everyone but the case's officer and its
authority's registrars (kansli.access.protected)."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.access.protected import hide_for

register = template.Library()


@register.simple_tag(takes_context=True)
def shown_title(context: template.Context, case: Any) -> str:
    request = context.get("request")
    return hide_for(getattr(request, "user", None), case)(case.title)
