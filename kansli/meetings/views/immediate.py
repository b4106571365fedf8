"""Omedelbar justering (KL 5 kap. 70 §) from the pages: the secretary puts a § up for
it from the § page, the chair and the approvers sign it from the minutes page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.rules import may_read_item
from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.actions.immediate import (
    do_approve_paragraph,
    do_mark_immediate_approval,
    paragraph_approvers,
)
from kansli.meetings.forms import ConfirmForm
from kansli.meetings.models import Paragraph
from kansli.meetings.views.common import run_or_refuse, staff_bodies
from kansli.meetings.views.minutes import _paragraph
from kansli.registry.views.common import current_user
from kansli.web.twofactor import is_verified


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary puts the § up for immediate approval (404 to anyone who does not
    work with the body or may not read the item)."""
    user = current_user(request)
    found = _paragraph(request, pk)

    def run() -> str:
        do_mark_immediate_approval(found, actor=user)
        return _("§ %(number)d is put up for immediate approval.") % {"number": found.number}

    here = reverse("meetings:paragraph", args=[found.pk])
    return run_or_refuse(request, ConfirmForm(request.POST), run, here, found.minutes.meeting)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair's or an approver's signature of the §, with the second factor. 404
    unless the user signs the minutes or the § or works with the body and reads it."""
    user = current_user(request)
    found = get_object_or_404(
        Paragraph.objects.select_related("minutes__meeting__body__authority", "item"), pk=pk
    )
    minutes = found.minutes
    signer = user.pk in approvers_of(minutes) | paragraph_approvers(found)
    staff = staff_bodies(user).filter(pk=minutes.meeting.body_id).exists()
    if not signer and not (staff and may_read_item(user, found.item)):
        raise Http404
    verified = is_verified(request.user)

    def run() -> str:
        done = do_approve_paragraph(found, verified=verified, actor=user)
        if done.approved_at is not None:
            return _("§ %(number)d is approved and announced on the notice board.") % {
                "number": found.number
            }
        return _("Your approval is recorded.")

    here = reverse("meetings:minutes", args=[minutes.meeting_id])
    form = ConfirmForm(request.POST)
    return run_or_refuse(request, form, run, here, minutes.meeting, one_transaction=False)
