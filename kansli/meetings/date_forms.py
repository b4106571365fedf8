"""The secretary's forms for a meeting's end time and for cancelling it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.meetings.actions.meeting_dates import REASON_LONGEST
from kansli.meetings.models import Meeting
from kansli.registry.forms import AccessibleForm


class CloseMeetingForm(AccessibleForm):
    """When the meeting ended: a later day for a meeting over several days."""

    end_day = DayField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
        initial = (
            {"end_day": end.date(), "end_time": end.time()} if end else {"end_day": meeting.day}
        )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def ends_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["end_day"], self.cleaned_data["end_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


class CancelMeetingForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=REASON_LONGEST,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the members and on the public notice board as written."),
    )
