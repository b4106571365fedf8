"""The minutes: starting them, attendance, each § (decision, conflict of interest, vote,
dissent), approval with the second factor, and dispatching the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.protected import NOTHING, hide_for
from kansli.access.rules import may_read_secret_part
from kansli.files.download import file_response
from kansli.meetings import actions, appeal, approval_time
from kansli.meetings.actions.approval import sealing_cut_short
from kansli.meetings.actions.publication import NOT_DISPATCHED
from kansli.meetings.attendance_list import grouped
from kansli.meetings.forms import (
    AppealForm,
    ConfirmForm,
    CorrectionForm,
    DecisionForm,
    DeliveryForm,
    ExpediteForm,
    MemberForm,
    OpenMinutesForm,
)
from kansli.meetings.models import (
    AppealRoute,
    Correction,
    Expedition,
    Meeting,
    Minutes,
    Paragraph,
)
from kansli.meetings.permissions import mask_items
from kansli.meetings.views import votes
from kansli.meetings.views.common import (
    is_secretary,
    members_of,
    run_or_refuse,
    staff_bodies,
    staff_meeting,
)
from kansli.org.models import User
from kansli.registry.forms import AccessibleForm
from kansli.registry.views.common import current_user, run_action
from kansli.web.twofactor import is_verified


def _minutes(request: HttpRequest, pk: int) -> tuple[Minutes, set[int], bool]:
    """The minutes of a meeting the user works with as staff, or is to approve as chair
    or approver (elected members are not staff), with the approvers and whether the
    user is staff; 404 otherwise."""
    user = current_user(request)
    found = get_object_or_404(
        Minutes.objects.select_related("meeting__body__authority__municipality"), meeting_id=pk
    )
    approvers = actions.approvers_of(found)
    staff = staff_bodies(user).filter(pk=found.meeting.body_id).exists()
    if not staff and user.pk not in approvers:
        raise Http404
    return found, approvers, staff


def _later(meeting: Meeting) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at)


@login_required
def minutes_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    minutes, approvers, staff = _minutes(request, pk)
    meeting = minutes.meeting
    paragraphs = list(
        minutes.paragraphs.select_related(
            "presiding",
            "item__case__authority__municipality",
            "item__secrecy",
            "extract__case__authority__municipality",
        )
    )
    entitled = user.pk in approvers
    mask_items(user, [p.item for p in paragraphs], entitled=entitled)
    hides = {}
    for p in paragraphs:  # a protected identity in a decision, as in the title
        hide = NOTHING if entitled or p.item.case is None else hide_for(user, p.item.case)
        p.shown_decision = hide(p.decision)  # type: ignore[attr-defined]
        p.shown_reasons = hide(p.reasons)  # type: ignore[attr-defined]
        hides[p.pk] = hide
    corrections = list(
        Correction.objects.filter(paragraph__minutes=minutes)
        .select_related("paragraph")
        .prefetch_related("approved_by")
    )
    for c in corrections:  # what the approvers approve: the new text, masked as the §
        hide = hides[c.paragraph_id]
        c.shown_reason, c.shown_after = hide(c.reason), hide(c.after)  # type: ignore[attr-defined]
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "secretary": is_secretary(user, meeting.body),
            "cut_short": sealing_cut_short(minutes),
            "staff": staff,
            "paragraphs": paragraphs,
            "hidden_paragraphs": {p.pk for p in paragraphs if p.item.hidden},  # type: ignore[attr-defined]
            "secret_part": minutes.sealed_secret is not None
            and (user.pk in approvers or may_read_secret_part(user, minutes)),
            "attendance": grouped(
                list(minutes.attendance.select_related("user", "replaces")),
                [p.number for p in paragraphs],
            ),
            "usual_chair": actions.presiding_chair(minutes),
            "approvals": minutes.approvals.select_related("user").order_by("approved_at"),
            "may_approve": user.pk in approvers
            and minutes.locked_at is None
            and not minutes.approvals.filter(user=user).exists(),
            "waiting_for": User.objects.filter(pk__in=approvers).exclude(
                pk__in=minutes.approvals.values("user")
            ),
            "notice": getattr(minutes, "notice", None),
            "corrections": corrections,
            "approver": user.pk in approvers,
            "not_present": _chosen_not_present(minutes),
            # KL 5 kap. 69 §, 6 kap. 35 §: approved within 14 days after the meeting.
            "overdue": approval_time.overdue(meeting, timezone.localdate()),
            "approval_deadline": approval_time.approval_deadline(meeting),
        },
    )


def _chosen_not_present(minutes: Minutes) -> list[User]:
    """The chosen approvers not recorded as present and serving, who cannot approve
    (KL 5 kap. 69 §)."""
    present = actions.present_serving(minutes)
    return [person for person in minutes.approvers.all() if person.pk not in present]


@login_required
@require_POST
def open_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    form = OpenMinutesForm(members_of(meeting), request.POST)

    def run() -> str:
        data = form.cleaned_data
        actions.do_open_minutes(
            meeting,
            approvers=data["approvers"],
            approval_place=data["approval_place"],
            approval_due=data["approval_due"],
            first=data["first"],
            actor=user,
        )
        return _("The minutes are started.")

    return run_or_refuse(
        request, form, run, reverse("meetings:minutes", args=[meeting.pk]), meeting
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Justering. The session must have passed the second factor (TOTP) in this login."""
    user = current_user(request)
    minutes, _approvers, _staff = _minutes(request, pk)
    form = ConfirmForm(request.POST)
    verified = is_verified(request.user)

    def run() -> str:
        approved = actions.do_approve_minutes(minutes, verified=verified, actor=user)
        if approved.locked_at is not None:
            return _("The minutes are approved, sealed and announced on the notice board.")
        return _("Your approval is recorded.")

    here = reverse("meetings:minutes", args=[minutes.meeting_id])
    return run_or_refuse(request, form, run, here, minutes.meeting, one_transaction=False)


@login_required
@require_POST
def seal(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary finishes a sealing that was cut short; no one else finds it."""
    user = current_user(request)
    minutes, _approvers, _staff = _minutes(request, pk)
    if not is_secretary(user, minutes.meeting.body):
        raise Http404
    form = ConfirmForm(request.POST)

    def run() -> str:
        actions.do_seal_minutes(minutes, actor=user)
        return _("The minutes are sealed.")

    here = reverse("meetings:minutes", args=[minutes.meeting_id])
    return run_or_refuse(request, form, run, here, minutes.meeting, one_transaction=False)


@login_required
@require_POST
def approve_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's or an approver's approval of a correction, with the second factor."""
    user = current_user(request)
    correction = get_object_or_404(Correction.objects.select_related("paragraph"), pk=pk)
    minutes, _approvers, _staff = _minutes(request, correction.paragraph.minutes.meeting_id)
    form = ConfirmForm(request.POST)
    verified = is_verified(request.user)

    def run() -> str:
        done = actions.do_approve_correction(correction, verified=verified, actor=user)
        if done.applied_at is not None:
            return _("The correction is approved and the minutes are sealed again.")
        return _("Your approval is recorded.")

    here = reverse("meetings:minutes", args=[minutes.meeting_id])
    return run_or_refuse(request, form, run, here, minutes.meeting, one_transaction=False)


@login_required
def correction_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The minutes sealed again with a correction."""
    correction = get_object_or_404(Correction.objects.select_related("paragraph__minutes"), pk=pk)
    minutes, approvers, _staff = _minutes(request, correction.paragraph.minutes.meeting_id)
    stored, name = correction.sealed, f"protokoll-{minutes.meeting}-rattelse-{correction.pk}"
    if request.GET.get("del") == "sekretessbilaga":  # the non-public part, as sealed with it
        user = current_user(request)
        entitled = user.pk in approvers or may_read_secret_part(user, minutes)
        stored, name = (correction.sealed_secret if entitled else None), name + "-sekretessbilaga"
    if stored is None:
        raise Http404
    return file_response(stored, f"{name}.pdf".replace(" ", "-"), inline=True)


@login_required
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter list: the decisions of the meeting to be sent by post, with each
    recipient's address, for printing. A recipient with protected identity is there by
    reference, to be sent through Skatteverket (kansli.meetings.actions)."""
    meeting = staff_meeting(request, pk)
    expeditions = (
        Expedition.objects.filter(
            paragraph__minutes__meeting=meeting, method=Expedition.Method.LETTER
        )
        .select_related("paragraph__item__case__authority__municipality")
        .order_by("paragraph__number", "recipient")
    )
    return render(request, "meetings/letters.html", {"meeting": meeting, "letters": expeditions})


def _paragraph(request: HttpRequest, pk: int) -> Paragraph:
    """A § of a body the user works with, whose item the user may read in full (a
    non-public item's § answers 404 to others, as a missing one)."""
    user = current_user(request)
    paragraphs = Paragraph.objects.visible_to(user).select_related(
        "minutes__meeting__body__authority", "item__case__authority", "extract"
    )
    found = get_object_or_404(paragraphs, pk=pk)
    mask_items(user, [found.item])
    hide = NOTHING if found.item.case is None else hide_for(user, found.item.case)
    found.shown_decision = hide(found.decision)  # type: ignore[attr-defined]
    found.shown_reasons = hide(found.reasons)  # type: ignore[attr-defined]
    found.shown_note = hide(found.note)  # type: ignore[attr-defined]
    return found


@login_required
def paragraph(request: HttpRequest, pk: int) -> HttpResponse:
    """One §: the decision, conflicts of interest, the vote and dissents, each its own
    form (the button names which)."""
    user = current_user(request)
    found = _paragraph(request, pk)
    meeting = found.minutes.meeting
    members = members_of(meeting)
    post: Any = request.POST if request.method == "POST" else None
    which = post.get("form") if post else None
    decision = DecisionForm(
        _later(meeting),
        post if which == "decision" else None,
        initial={
            "decision": found.decision,
            "reasons": found.reasons,
            "outcome": found.outcome,
            "appeal_route": found.appeal_route,
            "note": found.note,
        },
    )
    # A protected identity in a text: masked, read-only and kept (OSL 21 kap. 3 §).
    hide = NOTHING if found.item.case is None else hide_for(user, found.item.case)
    texts = {name: getattr(found, name) for name in ("decision", "reasons", "note")}
    decision.keep_protected(hide, texts)
    forms: dict[str, AccessibleForm] = {
        "decision": decision,
        "conflict": MemberForm(members, post if which == "conflict" else None),
    }
    runs = {
        "decision": lambda d: actions.do_record_decision(
            found,
            decision=d["decision"],
            reasons=d["reasons"],
            outcome=d["outcome"],
            note=d["note"],
            later=d["later"],
            appeal_route=d["appeal_route"],
            actor=user,
        ),
        "conflict": lambda d: actions.do_record_conflict(found, d["member"], actor=user),
        "correction": lambda d: actions.do_propose_correction(
            found, d["text"], d["reason"], part=d["part"], actor=user
        ),
    }
    secretary = is_secretary(user, meeting.body)
    correcting = secretary and found.minutes.locked_at is not None
    if correcting:  # approved minutes change only by a correction (rättelse)
        correction = CorrectionForm(found, post if which == "correction" else None)
        correction.keep_protected(hide, {"decision": found.decision, "reasons": found.reasons})
        forms["correction"] = correction
    letters = found.expeditions.filter(method=Expedition.Method.LETTER)
    if secretary and letters.exists():  # when each letter was delivered (FL 44 §)
        forms["delivery"] = DeliveryForm(letters, post if which == "delivery" else None)
        runs["delivery"] = lambda d: actions.do_record_delivery(d["letter"], d["day"], actor=user)
    appealable = appeal.route_of(found) != AppealRoute.NONE
    if secretary and found.minutes.locked_at and appealable and not found.appealed_on:
        forms["appeal"] = AppealForm(post if which == "appeal" else None)
        runs["appeal"] = lambda d: actions.do_record_appeal(found, d["received_on"], actor=user)
    if which in forms:
        form = forms[which]

        def run() -> str:
            runs[which](form.cleaned_data)
            return _("§ %(number)d is saved.") % {"number": found.number}

        done = run_action(request, form, run, reverse("meetings:paragraph", args=[found.pk]))
        if done:
            return done
    return render(
        request,
        "meetings/paragraph.html",
        {
            "paragraph": found,
            "meeting": meeting,
            "forms": forms,
            "secretary": secretary and not correcting,
            "correcting": correcting,
            "corrections": [(c, hide(c.reason), hide(c.after)) for c in found.corrections.all()],
            "conflicts": found.conflicts.select_related("user"),
            "votes": votes.panel(request, found, secretary and not correcting),
            "expeditions": found.expeditions.all(),
            "legal_force": appeal.legal_force(found),
            "today": timezone.localdate(),
        },
    )


@login_required
def dispatch_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = _paragraph(request, pk)
    if found.item.case is None:  # a procedural § (kansli.meetings.procedural)
        messages.error(request, NOT_DISPATCHED)
        return redirect("meetings:paragraph", found.pk)
    form = ExpediteForm(found.item.case, request.POST or None)
    if request.method == "POST":

        def run() -> str:
            data = form.cleaned_data
            sent = actions.do_dispatch_decision(
                found, data["recipients"], forwarded=data.get("forwarded") or [], actor=user
            )
            return _("The decision is dispatched to %(count)d recipients.") % {"count": len(sent)}

        done = run_action(request, form, run, reverse("meetings:paragraph", args=[found.pk]))
        if done:
            return done
    return render(
        request,
        "meetings/expedite.html",
        {
            "paragraph": found,
            "meeting": found.minutes.meeting,
            "form": form,
        },
    )
