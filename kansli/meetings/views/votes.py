"""Motions, votes and reservations on the § page: the record in the customary form and,
for the secretary, a form each (motion, acclamation, vote, withdrawal, reservation, its
written reason), posted here and run through one action each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.protected import NOTHING, Hide, hide_for
from kansli.meetings import actions
from kansli.meetings.actions.votes import deciders, reason_limit
from kansli.meetings.models import Paragraph
from kansli.meetings.views.common import members_of, run_or_refuse
from kansli.meetings.vote_forms import (
    ChosenMotionForm,
    DissentForm,
    DissentReasonForm,
    MotionChoice,
    MotionForm,
    VoteForm,
)
from kansli.meetings.vote_record import record_of
from kansli.org.models import User
from kansli.registry.forms import AccessibleForm
from kansli.registry.views.common import current_user


def vote_forms(paragraph: Paragraph, hide: Hide, data: Any = None) -> dict[str, AccessibleForm]:
    """The secretary's forms; `hide` masks a protected identity in the motions' labels."""
    deciding = User.objects.filter(pk__in=deciders(paragraph)).order_by("first_name", "pk")
    motions = paragraph.motions.filter(withdrawn=False).select_related("mover")
    # The page offers a ballot to those deciding at the §; a posted ballot of any member
    # reaches the action, which refuses by name one who does not decide (KL 6 kap. 28 §:
    # a form opened before a conflict of interest was recorded) instead of dropping it.
    voters = deciding if data is None else members_of(paragraph.minutes.meeting)
    # Each form's fields are prefixed with its name: one page holds them all.
    forms = {
        "motion": MotionForm(deciding, data, prefix="motion"),
        "acclamation": ChosenMotionForm(motions, data, prefix="acclamation"),
        "vote": VoteForm(motions, list(voters), data, prefix="vote"),
        "withdraw": ChosenMotionForm(motions, data, prefix="withdraw"),
        "dissent": DissentForm(deciding, motions, data, prefix="dissent"),
        "reason": DissentReasonForm(
            paragraph.dissents.select_related("user"), data, prefix="reason"
        ),
    }
    for form in forms.values():
        for field in form.fields.values():
            if isinstance(field, MotionChoice):
                field.hide = hide
    return forms


def panel(request: HttpRequest, paragraph: Paragraph, secretary: bool) -> dict[str, Any]:
    """What the § page shows of the motions and votes (the § is one the user may read)."""
    case = paragraph.item.case
    hide = NOTHING if case is None else hide_for(current_user(request), case)
    dissents = list(paragraph.dissents.select_related("user", "paragraph__minutes"))
    return {
        "record": record_of(paragraph, hide),
        "forms": vote_forms(paragraph, hide) if secretary and not paragraph.approved_at else {},
        "limit": reason_limit(dissents[0]) if dissents else "",
        "motions": paragraph.motions.filter(withdrawn=False).exists(),
    }


@login_required
@require_POST
def paragraph_votes(request: HttpRequest, pk: int) -> HttpResponse:
    from kansli.meetings.views.minutes import _paragraph  # which imports panel from here

    user = current_user(request)
    found = _paragraph(request, pk)
    which = request.POST.get("form", "")
    case = found.item.case
    forms = vote_forms(found, NOTHING if case is None else hide_for(user, case), request.POST)
    runs: dict[str, Callable[[Any], object]] = {
        "motion": lambda f: actions.do_add_motion(
            found, f.cleaned_data["mover"], f.motion_text(), actor=user
        ),
        "acclamation": lambda f: actions.do_decide_by_acclamation(
            found, f.cleaned_data["motion"], actor=user
        ),
        "vote": lambda f: actions.do_record_vote(
            found,
            f.cleaned_data["yes_motion"],
            f.cleaned_data["no_motion"],
            f.ballots(),
            actor=user,
        ),
        "withdraw": lambda f: actions.do_withdraw_motion(f.cleaned_data["motion"], actor=user),
        "dissent": lambda f: actions.do_record_dissent(
            found,
            f.cleaned_data["member"],
            f.cleaned_data["motion"],
            reason=f.cleaned_data["reason"],
            actor=user,
        ),
        "reason": lambda f: actions.do_give_dissent_reason(
            f.cleaned_data["dissent"], f.cleaned_data["text"], actor=user
        ),
    }
    if which not in runs:
        raise Http404
    form = forms[which]

    def run() -> str:
        runs[which](form)
        return _("§ %(number)d is saved.") % {"number": found.number}

    back = reverse("meetings:paragraph", args=[found.pk])
    return run_or_refuse(request, form, run, back, found.minutes.meeting)
