"""The bodies that hold meetings (nämnd, styrelse, utskott) and their rules from the
reglemente: the item deadline (stoppdag), the dispatch day, the usual place and the day
the term of office begins; and the municipality's graphic profile for the notices,
minutes and extracts. The step before the meeting cycle begins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.meetings.models import Body, GraphicProfile
from kansli.org.changes import apply_changes
from kansli.org.models import Authority, Committee, Municipality
from kansli.org.permissions import require_sysadmin


@transaction.atomic
def do_create_body(
    authority: Authority,
    *,
    committee: Committee | None = None,
    item_deadline_workdays: int = 15,
    dispatch_workdays: int = 7,
    place: str = "",
    term_start_month: int = 10,
    term_start_day: int = 15,
    actor: Any,
) -> Body:
    """Make an authority or one of its committees a body that holds meetings, with its
    rules for the item deadline and the dispatch day (from its reglemente) and the day
    its members' term of office begins."""
    require_sysadmin(actor)
    if committee is not None and committee.authority_id != authority.pk:
        raise ValidationError({"committee": "Utskottet hör till en annan myndighet."})
    if Body.objects.filter(authority=authority, committee=committee).exists():
        raise ValidationError("Organet finns redan.")
    body = Body(
        authority=authority,
        committee=committee,
        item_deadline_workdays=item_deadline_workdays,
        dispatch_workdays=dispatch_workdays,
        place=place.strip(),
        term_start_month=term_start_month,
        term_start_day=term_start_day,
    )
    body.clean()
    body.save()
    record(
        actor=actor,
        action="meetings.create_body",
        obj=body,
        label=str(body),
        after={
            "deadline": item_deadline_workdays,
            "dispatch": dispatch_workdays,
            "term_starts": f"{term_start_day}/{term_start_month}",
        },
    )
    return body


@transaction.atomic
def do_change_body_rules(body: Body, *, actor: Any, **changes: Any) -> Body:
    """Change a body's item deadline, dispatch day, usual place (its reglemente) or the
    day its term of office begins."""
    require_sysadmin(actor)
    allowed = {
        "item_deadline_workdays",
        "dispatch_workdays",
        "place",
        "term_start_month",
        "term_start_day",
    }
    if set(changes) - allowed:
        raise ValidationError(f"Kan inte ändras: {', '.join(sorted(set(changes) - allowed))}.")
    before, after = apply_changes(body, changes)  # checked by the model's clean()
    if after:
        record(
            actor=actor,
            action="meetings.change_body_rules",
            obj=body,
            label=str(body),
            before=before,
            after=after,
        )
    return body


@transaction.atomic
def do_set_graphic_profile(
    municipality: Municipality,
    *,
    colour: str,
    font_family: str,
    logo: StoredFile | None = None,
    court: str = "",
    minutes_kept_at: str = "",
    accent_colour: str | None = None,
    footer: str | None = None,
    address: str | None = None,
    actor: Any,
) -> GraphicProfile:
    """The logo, colour and typeface of the notices, minutes and extracts, the
    förvaltningsrätt named in the appeal instructions and where the minutes are kept.
    A new logo replaces the old one; without one the old stays, and so do the accent
    colour, footer and address block when they are not given (None)."""
    require_sysadmin(actor)
    profile = GraphicProfile.objects.filter(municipality=municipality).first()
    profile = profile or GraphicProfile(municipality=municipality)
    before = {
        "colour": profile.colour,
        "font_family": profile.font_family,
        "logo": profile.logo_id,
        "court": profile.court,
        "minutes_kept_at": profile.minutes_kept_at,
        "accent_colour": profile.accent_colour,
        "footer": profile.footer,
        "address": profile.address,
    }
    profile.colour, profile.font_family = colour, font_family
    if accent_colour is not None:
        profile.accent_colour = accent_colour
    if footer is not None:
        profile.footer = footer.strip()
    if address is not None:
        profile.address = address.strip()
    profile.court, profile.minutes_kept_at = court.strip(), minutes_kept_at.strip()
    if logo is not None:
        if not logo.content_type.startswith("image/"):
            raise ValidationError({"logo": "Logotypen ska vara en bild (PNG, JPEG eller SVG)."})
        profile.logo = logo
    profile.full_clean()
    profile.save()
    record(
        actor=actor,
        action="meetings.set_graphic_profile",
        obj=profile,
        label=str(municipality),
        before=before,
        after={
            "colour": colour,
            "font_family": font_family,
            "logo": profile.logo_id,
            "court": profile.court,
            "minutes_kept_at": profile.minutes_kept_at,
            "accent_colour": profile.accent_colour,
            "footer": profile.footer,
            "address": profile.address,
        },
    )
    return profile
