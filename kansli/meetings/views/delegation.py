"""Delegated decisions for staff: the delegation order of the user's authorities, a form
to register a decision under a point, the decisions not yet reported, and the
secretary's button that puts them on a meeting's agenda."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.rules import may_read
from kansli.meetings import actions
from kansli.meetings.forms import DelegatedDecisionForm, ReportDecisionsForm
from kansli.meetings.models import DelegatedDecision, DelegationPoint
from kansli.meetings.views.common import (
    case_in,
    run_or_refuse,
    staff_bodies,
    staff_meeting,
)
from kansli.registry.views.common import current_user, run_action


@login_required
def delegation(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    authorities = [body.authority for body in staff_bodies(user).filter(committee=None)]
    if not authorities:
        raise Http404
    points = DelegationPoint.objects.filter(authority__in=authorities).select_related("authority")
    form = DelegatedDecisionForm(points, request.POST or None)
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            point = data["point"]
            case = case_in(user, point.authority, data["case_number"], "case_number")
            decision = actions.do_register_delegated_decision(
                point, case, data["summary"], decided_on=data["decided_on"], actor=user
            )
            return _("Registered as %(number)s") % {"number": decision.document.document_number}

        done = run_action(request, form, run, reverse("meetings:delegation"))
        if done:
            return done
    decisions = (
        DelegatedDecision.objects.filter(point__in=points)
        .select_related(
            "point", "document__case__authority__municipality", "reported_in__meeting__body"
        )
        .order_by("-decided_on", "-pk")[:100]
    )
    # That a decision is registered is public (OSL 5 kap. 2 §); what a secrecy-marked
    # one decided is read only by those the access rules let read its document.
    rows = [(d, may_read(user, d.document)) for d in decisions]
    return render(
        request,
        "meetings/delegation.html",
        {
            "form": form,
            "points": points,
            "decisions": rows,
        },
    )


@login_required
@require_POST
def report_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = ReportDecisionsForm(request.POST)

    def run() -> str:
        case = case_in(
            user, meeting.body.authority, form.cleaned_data["case_number"], "case_number"
        )
        actions.do_report_delegated_decisions(meeting, case, actor=user)
        return _("The delegated decisions are on the agenda.")

    return run_or_refuse(
        request, form, run, reverse("meetings:meeting", args=[meeting.pk]), meeting
    )
