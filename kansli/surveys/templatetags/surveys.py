"""The start page's line about surveys: rounds waiting for the user's answers and the
follow-up actions the user owns and has not finished."""

from __future__ import annotations

from typing import Any

from django import template

from kansli.surveys.actions import open_rounds_for
from kansli.surveys.models import FollowUp

register = template.Library()


@register.inclusion_tag("surveys/_start.html", takes_context=True)
def surveys_start(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    follow_ups = (
        FollowUp.objects.filter(owner=user).exclude(status=FollowUp.Status.DONE).count()
        if user.is_authenticated
        else 0
    )
    return {"to_answer": open_rounds_for(user), "follow_ups": follow_ups}
