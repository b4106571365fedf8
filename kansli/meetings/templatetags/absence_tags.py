"""Förhinder on other pages: `{% absence_card meeting %}` on a coming meeting in the
member portal (report, see and withdraw one's own), and `{% absences_panel meeting %}`
on the staff's meeting page (who reported, who is called, where no substitute is
left)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kansli.access.rules import FULL_MEMBERS, position_in
from kansli.meetings.models import Meeting

register = template.Library()


@register.inclusion_tag("meetings/_absence_card.html", takes_context=True)
def absence_card(context: template.Context, meeting: Meeting) -> dict[str, Any]:
    user = context["request"].user
    absences = meeting.absences.select_related("member", "substitute")
    return {
        "csrf_token": context.get("csrf_token"),
        "meeting": meeting,
        "absence": absences.filter(member=user).first(),
        "called_for": absences.filter(substitute=user).first(),
        "open": meeting.cancelled_at is None
        and timezone.now() < meeting.starts_at
        and bool(position_in(user, meeting.body, meeting.day)),
    }


@register.inclusion_tag("meetings/_absences_panel.html")
def absences_panel(meeting: Meeting) -> dict[str, Any]:
    absences = list(meeting.absences.select_related("member", "substitute").order_by("reported_at"))
    for absence in absences:  # a member's place is to be filled, a substitute's is not
        position = position_in(absence.member, meeting.body, meeting.day)
        absence.needs_substitute = position in FULL_MEMBERS  # type: ignore[attr-defined]
    return {"absences": absences}
