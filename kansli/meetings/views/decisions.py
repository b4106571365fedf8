"""The decisions of a whole meeting on one page: the secretary goes through the § in
order and changes what was decided differently from the proposal, in one submit
(issue 13's benchmark: a 23-item meeting in at most 60 page loads)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kansli.access.protected import NOTHING, hide_for
from kansli.meetings import actions
from kansli.meetings.forms import DecisionsForm
from kansli.meetings.models import Meeting, Minutes
from kansli.meetings.permissions import mask_items
from kansli.meetings.views.common import is_secretary, staff_meeting
from kansli.registry.views.common import current_user, run_action

TEXTS = ("decision", "reasons")


@login_required
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not is_secretary(user, meeting.body):
        raise Http404
    paragraphs = list(minutes.paragraphs.select_related("item__secrecy", "item__case"))
    later = Meeting.objects.filter(body=meeting.body, starts_at__gt=meeting.starts_at)
    form = DecisionsForm(paragraphs, later, request.POST or None)
    mask_items(user, [p.item for p in paragraphs])  # the titles, as on the minutes page
    for p in paragraphs:  # a protected identity in a text: masked and kept (OSL 21:3)
        hide = NOTHING if p.item.case is None else hide_for(user, p.item.case)
        form.keep_protected(hide, {f"{name}_{p.pk}": getattr(p, name) for name in TEXTS})
    if request.method == "POST" and minutes.locked_at is None:

        def run() -> str:
            count = actions.do_record_decisions(minutes, form.changes(), actor=user)
            return _("%(count)s § saved.") % {"count": count}

        done = run_action(request, form, run, reverse("meetings:minutes", args=[meeting.pk]))
        if done:
            return done
    return render(
        request,
        "meetings/decisions.html",
        {"meeting": meeting, "minutes": minutes, "form": form},
    )
