"""Förhinder from the member portal: report that one cannot attend a coming meeting, or
withdraw the report. 404 for anyone not elected to the meeting's body, as for a
missing meeting."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.rules import position_in
from kansli.meetings.actions.absence import do_report_absence, do_withdraw_absence
from kansli.meetings.forms import ConfirmForm
from kansli.meetings.models import Meeting
from kansli.meetings.views.common import run_or_refuse
from kansli.org.models import User
from kansli.registry.views.common import current_user


def _elected_meeting(request: HttpRequest, pk: int) -> tuple[User, Meeting]:
    user = current_user(request)
    meeting = get_object_or_404(Meeting.objects.select_related("body__authority"), pk=pk)
    if not position_in(user, meeting.body):  # judged today, as the rest of the portal
        raise Http404
    return user, meeting


def _run(request: HttpRequest, pk: int, action: Callable[[Meeting, User], str]) -> HttpResponse:
    user, meeting = _elected_meeting(request, pk)
    here = reverse("meetings:portal")
    return run_or_refuse(
        request, ConfirmForm(request.POST), lambda: action(meeting, user), here, meeting
    )


def _report(meeting: Meeting, user: User) -> str:
    absence = do_report_absence(meeting, actor=user)
    if absence.substitute is not None:
        name = absence.substitute.get_full_name() or absence.substitute.username
        return _("Your absence is reported; %(name)s is called in your place.") % {"name": name}
    return _("Your absence is reported. The secretary is told.")


def _withdraw(meeting: Meeting, user: User) -> str:
    do_withdraw_absence(meeting, actor=user)
    return _("Your absence is withdrawn: you are expected at the meeting.")


@login_required
@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _report)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, pk, _withdraw)
