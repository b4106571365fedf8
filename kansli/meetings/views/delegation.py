"""Delegated decisions for staff: the delegation order of the user's authorities with
who holds each point, a form to register a decision under a point (the point chosen
first, so that the decider is chosen among its delegates), the latest decisions, the
button that posts one on the notice board, and the secretary's button that puts the
reported ones on a meeting's agenda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.protected import hide_for
from kansli.access.rules import may_read
from kansli.meetings import actions
from kansli.meetings.actions.delegation import do_post_delegated_decision
from kansli.meetings.forms import DelegatedDecisionForm, ReportDecisionsForm
from kansli.meetings.models import AppealRoute, DelegatedDecision, DelegationPoint
from kansli.meetings.views.common import (
    case_in,
    run_or_refuse,
    staff_bodies,
    staff_meeting,
)
from kansli.org.models import Role, User
from kansli.registry.permissions import has_role
from kansli.registry.views.common import current_user, run_action


def _points(user: User) -> list[DelegationPoint] | None:
    """The delegation order of the boards whose meetings the user prepares for."""
    authorities = [body.authority for body in staff_bodies(user).filter(committee=None)]
    if not authorities:
        return None
    return list(
        DelegationPoint.objects.filter(authority__in=authorities)
        .select_related("authority")
        .prefetch_related("delegates__user")
    )


@login_required
def delegation(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    points = _points(user)
    if points is None:
        raise Http404
    asked = request.POST.get("point") or request.GET.get("punkt") or ""
    chosen = next((p for p in points if asked.isdigit() and p.pk == int(asked)), None)
    queryset = DelegationPoint.objects.filter(pk__in=[p.pk for p in points])
    initial = {"decided_by": user.pk}
    form = DelegatedDecisionForm(queryset, chosen, request.POST or None, initial=initial)
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            point = data["point"]
            case = case_in(user, point.authority, data["case_number"], "case_number")
            decision = actions.do_register_delegated_decision(
                point,
                case,
                data["summary"],
                decided_on=data["decided_on"],
                decided_by=data["decided_by"],
                substitute_for=data["substitute_for"],
                amount=data.get("amount"),
                actor=user,
            )
            return _("Registered as %(number)s") % {"number": decision.document.document_number}

        done = run_action(request, form, run, reverse("meetings:delegation"))
        if done:
            return done
    decisions = list(
        DelegatedDecision.objects.filter(point__in=points)
        .select_related(
            "point__authority",
            "decided_by",
            "substitute_for",
            "registered_by",
            "document__case__authority__municipality",
            "reported_in__meeting__body",
            "reported_in__paragraph__body",
            "reported_in__paragraph__minutes__notice",
        )
        .order_by("-decided_on", "-pk")[:100]
    )
    posting = {p.authority_id for p in points if _may_post(user, p)}
    # That a decision is registered is public (OSL 5 kap. 2 §); what a secrecy-marked
    # one decided is read only by those the access rules let read its document, and a
    # protected identity in it only by the case's officer and registrars (OSL 21 kap.
    # 3 §; rewritten for showing only).
    for d in decisions:
        d.summary = hide_for(user, d.document.case)(d.summary)
    rows = [
        (d, may_read(user, d.document), d.point.authority_id in posting and _postable(d))
        for d in decisions
    ]
    return render(
        request,
        "meetings/delegation.html",
        {"form": form, "chosen": chosen, "points": points, "decisions": rows},
    )


def _may_post(user: User, point: DelegationPoint) -> bool:
    return has_role(user, point.authority, [Role.SECRETARY, Role.REGISTRAR])


def _postable(decision: DelegatedDecision) -> bool:
    """Posting starts an appeal period only for a decision appealed by laglighetsprövning
    and not reported to the board (KL 8 kap. 12 §, 13 kap. 5 §)."""
    point = decision.point
    return (
        decision.posted_on is None
        and not point.reported
        and point.appeal_route == AppealRoute.LEGALITY
        and decision.document.voided_at is None
    )


@login_required
@require_POST
def post_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    points = _points(user)
    if points is None:
        raise Http404
    decision = get_object_or_404(DelegatedDecision, pk=pk, point__in=points)
    try:
        do_post_delegated_decision(decision, actor=user)
    except (ValidationError, PermissionDenied) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    else:
        messages.success(request, _("Posted on the notice board."))
    return redirect("meetings:delegation")


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
