"""The graphic profile every generated document is printed in (logo, colour, typeface),
resolved in one place: the renderers of the drafting templates, the meetings' PDFs
(kansli.meetings.pdf), the acknowledgement (kansli.registry.pdf) and the request
decisions (kansli.requests.pdf) all call profile_for. The profile (logo, colour, accent colour,
typeface, footer, address block) is set once per municipality by the system
administrator (meetings.GraphicProfile, do_set_graphic_profile, in the admin); an
authority may have its own logo, colours, footer or address block
(drafting.AuthorityProfile, do_set_authority_profile), which take the place of the
municipality's."""

from __future__ import annotations

import base64
from typing import Any

from kansli.org.models import Authority, Municipality

DOCX_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}  # what Word embeds as a picture


def profile_for(owner: Authority | Municipality) -> dict[str, Any]:
    """The profile as a template reads it, the authority's own values first: `colour`
    and `accent` (#rrggbb), `font`, `footer` (else "municipality · authority"),
    `address` (lines), `logo` (a data: URI for HTML, "" without one), `logo_bytes` and
    `logo_type` (for Word; None when there is no logo or it is an SVG, which Word
    cannot take as a picture), `municipality` and `authority` (None when asked for a
    municipality)."""
    from kansli.meetings.models import GraphicProfile

    authority = owner if isinstance(owner, Authority) else None
    municipality = owner.municipality if isinstance(owner, Authority) else owner
    profile = GraphicProfile.objects.filter(municipality=municipality).first() or GraphicProfile(
        municipality=municipality
    )
    own = None
    if authority is not None:
        from kansli.drafting.models import AuthorityProfile

        own = AuthorityProfile.objects.filter(authority=authority).first()
    stored = (own.logo if own is not None else None) or profile.logo
    logo, logo_bytes, logo_type = "", None, None
    if stored is not None:
        with stored.open() as image:
            data = image.read()
        logo = f"data:{stored.content_type};base64,{base64.b64encode(data).decode()}"
        if stored.content_type in DOCX_IMAGE_TYPES:
            logo_bytes, logo_type = data, stored.content_type
    names = [municipality.name, *([authority.name] if authority else [])]
    footer = (own.footer if own is not None else "") or profile.footer or " · ".join(names)
    address = (own.address if own is not None else "") or profile.address
    return {
        "colour": (own.colour if own is not None else "") or profile.colour,
        "accent": (own.accent_colour if own is not None else "") or profile.accent_colour,
        "footer": footer,
        "address": [line.strip() for line in address.splitlines() if line.strip()],
        "font": profile.font_family,
        "logo": logo,
        "logo_bytes": logo_bytes,
        "logo_type": logo_type,
        "municipality": municipality,
        "authority": authority,
    }
