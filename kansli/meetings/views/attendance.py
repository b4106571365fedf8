"""The attendance of a meeting on one page (issue 13 part 1): the secretary enters who
was there, in which capacity and for which §, and who presided where the rules leave it
open, in one submit; the body's members come prefilled."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kansli.meetings import actions
from kansli.meetings.actions.approval import chairs_of
from kansli.meetings.actions.presence import by_rule
from kansli.meetings.attendance_forms import EXTRA_ROWS, AttendanceSheetForm, prefilled
from kansli.meetings.models import Meeting, Minutes, Paragraph
from kansli.meetings.views.common import is_secretary, members_of, staff_meeting
from kansli.org.models import Role, RoleAssignment, User
from kansli.registry.views.common import current_user, run_action


def people_of(meeting: Meeting) -> tuple[QuerySet[User], QuerySet[User]]:
    """Who can be chosen: the body's members and substitutes on the day and the
    authority's staff; and who can be served for or preside: the members."""
    staff = RoleAssignment.objects.valid_on(meeting.day).filter(authority=meeting.body.authority)
    officials = User.objects.filter(pk__in=staff.exclude(role=Role.ELECTED).values("user"))
    members = members_of(meeting)
    everyone = User.objects.filter(pk__in=(members | officials).values("pk"))
    return everyone.order_by("last_name", "first_name"), members.order_by("last_name", "first_name")


def to_choose(minutes: Minutes) -> list[Paragraph]:
    """The § where the secretary chooses who presided: once attendance is recorded,
    those where the rules give no one, or where someone else was chosen."""
    rows = list(minutes.attendance.all())
    if not rows:
        return []
    chairs = chairs_of(minutes)
    paragraphs = minutes.paragraphs.prefetch_related("conflicts")
    return [
        p
        for p in paragraphs
        if p.presiding_id is None or p.presiding_id != by_rule(p, rows, chairs)
    ]


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = staff_meeting(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not is_secretary(user, meeting.body):
        raise Http404
    people, members = people_of(meeting)
    post = request.POST if request.method == "POST" else None
    adding = post is not None and "add" in post
    more = EXTRA_ROWS if post is None else 1 if adding else 0
    form = AttendanceSheetForm(
        people, members, prefilled(minutes), to_choose(minutes), post, more=more
    )
    if post is not None and not adding and minutes.locked_at is None:

        def run() -> str:
            rows, _fields = form.rows_and_fields()
            actions.do_set_attendance(minutes, rows, presiding=form.presiding(), actor=user)
            return _("Attendance is saved.")

        done = run_action(request, form, run, reverse("meetings:minutes", args=[meeting.pk]))
        if done:
            return done
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "minutes": minutes, "form": form},
    )
