"""The login page's links to the identity provider, shown when a protocol is set up."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("sso/links.html", takes_context=True)
def sso_links(context: template.Context) -> dict[str, Any]:
    return {
        "oidc": settings.OIDC_ENABLED,
        "saml": settings.SAML_ENABLED,
        "next": context.get("next", ""),
    }
