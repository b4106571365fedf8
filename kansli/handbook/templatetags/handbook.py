"""`{% routine_link "registration" %}`: on the page of a step of the case process, a link
to the current handbook page for that step the reader may read."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kansli.access.rules import reader
from kansli.handbook.models import RegistrationRule, Routine, Step

register = template.Library()


@register.simple_tag(takes_context=True)
def routine_link(context: dict[str, Any], step: str) -> str:
    if step not in Step.values:
        raise template.TemplateSyntaxError(f"unknown process step {step!r}")
    request = context.get("request")
    user = getattr(request, "user", None)
    today = timezone.localdate()
    staff = reader(user).municipalities  # []: not staff, who read the public page
    pages = Routine.objects.visible_to(user).for_step(step).exclude(valid_until__lt=today)
    routine = pages.order_by("title").first()
    if routine is None:
        return ""
    return format_html(
        '<p class="routine-link">{} <a href="{}">{}</a></p>',
        _("Routine:"),
        reverse("handbook:public-detail" if staff == [] else "handbook:detail", args=[routine.pk]),
        routine.title,
    )


@register.inclusion_tag("handbook/_registration_rules.html", takes_context=True)
def registration_rules(context: dict[str, Any]) -> dict[str, Any]:
    """The municipality's rules for what is registered and where, for staff."""
    request = context.get("request")
    municipalities = reader(getattr(request, "user", None)).municipalities
    rules = RegistrationRule.objects.select_related("authority")
    if municipalities is not None:
        rules = rules.filter(municipality_id__in=municipalities)
    return {"rules": list(rules)}
