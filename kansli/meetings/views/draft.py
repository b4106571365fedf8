"""E-justering in the browser: the draft page where the chair and the approvers read the
released draft, see their own conflicts of interest and comment per §; the draft PDF;
and the secretary's buttons (release, remind, answer) on the minutes page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kansli.access.rules import may_read_draft
from kansli.files.download import file_response
from kansli.inputs import WholeField
from kansli.meetings.actions import eapproval
from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.forms import ConfirmForm
from kansli.meetings.models import ApprovalComment, Conflict, Meeting, Minutes
from kansli.meetings.permissions import mask_comments, mask_items
from kansli.meetings.views.common import run_or_refuse, staff_meeting
from kansli.org.models import User
from kansli.registry.forms import AccessibleForm
from kansli.registry.views.common import current_user


class CommentForm(AccessibleForm):
    # Not required here: the action says in Swedish what is missing.
    text = forms.CharField(
        label=gettext_lazy("Comment"), max_length=eapproval.MAX_TEXT, required=False
    )
    paragraph = WholeField(required=False, widget=forms.HiddenInput)


class AnswerForm(AccessibleForm):
    answer = forms.CharField(
        label=gettext_lazy("Answer"), max_length=eapproval.MAX_TEXT, required=False
    )


def _draft(request: HttpRequest, pk: int) -> tuple[User, Minutes]:
    """The released draft of the meeting's minutes, for those who read it
    (kansli.access.rules.may_read_draft); 404 for anyone else, as for a missing one."""
    user = current_user(request)
    minutes = get_object_or_404(
        Minutes.objects.select_related("meeting__body__authority__municipality", "draft"),
        meeting_id=pk,
    )
    if not may_read_draft(user, minutes):
        raise Http404
    return user, minutes


@login_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    user, minutes = _draft(request, pk)
    approver = user.pk in approvers_of(minutes)
    paragraphs = list(minutes.paragraphs.select_related("item__case__authority", "item__secrecy"))
    mask_items(user, [p.item for p in paragraphs], entitled=approver)
    comments = list(minutes.comments.select_related("author", "answered_by", "paragraph"))
    mask_comments(user, minutes, comments, entitled=approver)
    for p in paragraphs:
        p.draft_comments = [c for c in comments if c.paragraph_id == p.pk]  # type: ignore[attr-defined]
    conflicts = Conflict.objects.filter(paragraph__minutes=minutes, user=user)
    return render(
        request,
        "meetings/draft.html",
        {
            "meeting": minutes.meeting,
            "minutes": minutes,
            "paragraphs": paragraphs,
            "general": [c for c in comments if c.paragraph_id is None],
            "conflicts": conflicts.order_by("paragraph__number").select_related("paragraph"),
            "may_comment": approver and minutes.locked_at is None,
            "may_approve": approver
            and minutes.locked_at is None
            and not minutes.approvals.filter(user=user).exists(),
            "changed": eapproval.changed_since_release(minutes),
            "max_text": eapproval.MAX_TEXT,
        },
    )


@login_required
def draft_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    _user, minutes = _draft(request, pk)
    if minutes.draft is None:
        raise Http404
    name = f"utkast-protokoll-{minutes.meeting}.pdf".replace(" ", "-")
    return file_response(minutes.draft, name, inline=True)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    user, minutes = _draft(request, pk)
    form = CommentForm(request.POST)
    here = reverse("meetings:draft", args=[pk])

    def run() -> str:
        number = form.cleaned_data["paragraph"]
        paragraph = None
        if number is not None:
            paragraph = minutes.paragraphs.filter(pk=number).first()
            if paragraph is None:
                raise ValidationError({"paragraph": _("The paragraph is not in the minutes.")})
        eapproval.do_comment_draft(
            minutes, form.cleaned_data["text"], paragraph=paragraph, actor=user
        )
        return _("Your comment is sent to the secretary.")

    return run_or_refuse(request, form, run, here, minutes.meeting)


def _secretary_minutes(request: HttpRequest, pk: int) -> tuple[User, Minutes]:
    """The minutes of a meeting the user works with as staff; 404 otherwise."""
    meeting = staff_meeting(request, pk)
    return current_user(request), get_object_or_404(Minutes, meeting=meeting)


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    user, minutes = _secretary_minutes(request, pk)
    form = ConfirmForm(request.POST)
    again = minutes.released_at is not None

    def run() -> str:
        eapproval.do_release_draft(minutes, actor=user)
        if again:
            return _("The new draft is released; the chair and the approvers are told.")
        return _("The draft is released; the chair and the approvers are e-mailed a link.")

    here = reverse("meetings:minutes", args=[pk])
    return run_or_refuse(request, form, run, here, minutes.meeting, one_transaction=False)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    user, minutes = _secretary_minutes(request, pk)
    form = ConfirmForm(request.POST)

    def run() -> str:
        people = eapproval.do_remind_approvers(minutes, actor=user)
        return _("A reminder is sent to %(count)d who have not approved.") % {"count": len(people)}

    here = reverse("meetings:minutes", args=[pk])
    return run_or_refuse(request, form, run, here, minutes.meeting)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = get_object_or_404(
        ApprovalComment.objects.select_related("minutes__meeting"),
        pk=pk,
        minutes__meeting__in=Meeting.objects.visible_to(user),
    )
    form = AnswerForm(request.POST)

    def run() -> str:
        eapproval.do_answer_comment(found, form.cleaned_data["answer"], actor=user)
        return _("Your answer is saved; the approver sees it on the draft.")

    here = reverse("meetings:minutes", args=[found.minutes.meeting_id])
    return run_or_refuse(request, form, run, here, found.minutes.meeting)
