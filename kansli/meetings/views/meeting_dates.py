"""The secretary records a meeting's end time or cancels the meeting
(kansli.meetings.actions.meeting_dates)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kansli.meetings import actions
from kansli.meetings.date_forms import CancelMeetingForm, CloseMeetingForm
from kansli.meetings.meeting_time import span
from kansli.meetings.views.common import is_secretary, staff_meeting
from kansli.registry.views.common import current_user, require, run_action


@login_required
def close_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    require(is_secretary(user, meeting.body))
    form = CloseMeetingForm(meeting, request.POST or None)
    if request.method == "POST":

        def run() -> str:
            closed = actions.do_close_meeting(meeting, form.ends_at(), actor=user)
            return _("The meeting's time is %(time)s.") % {"time": span(closed)}

        done = run_action(request, form, run, reverse("meetings:meeting", args=[meeting.pk]))
        if done:
            return done
    context = {"meeting": meeting, "form": form, "cancel": False}
    return render(request, "meetings/meeting_dates.html", context)


@login_required
def cancel_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    require(is_secretary(user, meeting.body))
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST":

        def run() -> str:
            actions.do_cancel_meeting(meeting, form.cleaned_data["reason"], actor=user)
            return _("The meeting is cancelled and the members are told.")

        done = run_action(request, form, run, reverse("meetings:meeting", args=[meeting.pk]))
        if done:
            return done
    context = {"meeting": meeting, "form": form, "cancel": True}
    return render(request, "meetings/meeting_dates.html", context)
