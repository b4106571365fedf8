"""{{ meeting|span }}: the meeting's time from its start to its end
(kansli.meetings.meeting_time)."""

from __future__ import annotations

from django import template

from kansli.meetings import meeting_time
from kansli.meetings.models import Meeting

register = template.Library()


@register.filter
def span(meeting: Meeting) -> str:
    return meeting_time.span(meeting)
