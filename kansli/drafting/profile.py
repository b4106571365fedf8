"""The graphic profile every generated document is printed in (logo, colour, typeface),
resolved in one place: the renderers of the drafting templates, the meetings' PDFs
(kansli.meetings.pdf), the acknowledgement (kansli.registry.pdf) and the request
decisions (kansli.requests.pdf) all call profile_for. The profile (logo, colour, accent colour,
typeface, footer, address block) is set once per municipality by the system
administrator (meetings.GraphicProfile, do_set_graphic_profile, in the admin); an
authority prints in its municipality's profile."""

from __future__ import annotations

import base64
from typing import Any

from kansli.org.models import Authority, Municipality

DOCX_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}  # what Word embeds as a picture


def profile_for(owner: Authority | Municipality) -> dict[str, Any]:
    """The profile as a template reads it: `colour` and `accent` (#rrggbb), `font`,
    `footer` (the profile's, else "municipality · authority"), `address` (lines),
    `logo` (a data:
    URI for HTML, "" without one), `logo_bytes` and `logo_type` (for Word; None when
    there is no logo or it is an SVG, which Word cannot take as a picture),
    `municipality` and `authority` (None when asked for a municipality)."""
    from kansli.meetings.models import GraphicProfile

    authority = owner if isinstance(owner, Authority) else None
    municipality = owner.municipality if isinstance(owner, Authority) else owner
    profile = GraphicProfile.objects.filter(municipality=municipality).first() or GraphicProfile(
        municipality=municipality
    )
    logo, logo_bytes, logo_type = "", None, None
    if profile.logo is not None:
        with profile.logo.open() as image:
            data = image.read()
        logo = f"data:{profile.logo.content_type};base64,{base64.b64encode(data).decode()}"
        if profile.logo.content_type in DOCX_IMAGE_TYPES:
            logo_bytes, logo_type = data, profile.logo.content_type
    names = [municipality.name, *([authority.name] if authority else [])]
    return {
        "colour": profile.colour,
        "accent": profile.accent_colour,
        "footer": profile.footer or " · ".join(names),
        "address": [line.strip() for line in profile.address.splitlines() if line.strip()],
        "font": profile.font_family,
        "logo": logo,
        "logo_bytes": logo_bytes,
        "logo_type": logo_type,
        "municipality": municipality,
        "authority": authority,
    }
