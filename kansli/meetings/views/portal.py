"""The member portal (förtroendevalda): upcoming meetings of the member's bodies, the
agenda with its documents once the notice is sent, and private notes. Opening a
meeting's documents is recorded the first time. A secrecy-marked document is shown to
the body's members (ledamöter) and to substitutes serving at the meeting only: inside
the authority secret information goes to those who need it, and they need it to
decide. Its reads are in the read log."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.actions import do_log_read
from kansli.files.download import file_response
from kansli.meetings import actions
from kansli.meetings.forms import NoteForm
from kansli.meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    Opening,
    PrivateNote,
)
from kansli.meetings.permissions import FULL_MEMBERS, position_in
from kansli.org.models import Role, RoleAssignment, User
from kansli.public.record import masks_for, scrub
from kansli.registry.models import Document
from kansli.registry.views.common import current_user


def member_bodies(user: User) -> list[Body]:
    roles = RoleAssignment.objects.filter(user=user, role=Role.ELECTED)
    return [
        body
        for body in Body.objects.select_related("authority", "committee")
        if roles.filter(authority=body.authority, committee=body.committee).exists()
    ]


def _meeting(request: HttpRequest, pk: int) -> tuple[User, Meeting, str]:
    """A dispatched meeting of a body the user is elected to on its day; 404 otherwise."""
    user = current_user(request)
    meeting = get_object_or_404(
        Meeting.objects.select_related("body__authority"), pk=pk, dispatched_at__isnull=False
    )
    position = position_in(user, meeting.body, meeting.day)
    if not position:
        raise Http404
    return user, meeting, position


def entitled(user: User, meeting: Meeting, position: str, document: Document) -> bool:
    """Whether the member may read the document of an item on the agenda."""
    if document.secrecy_id is None:
        return True
    if position in FULL_MEMBERS:
        return True
    return Attendance.objects.filter(
        minutes__meeting=meeting, user=user, capacity=Attendance.Capacity.SUBSTITUTE
    ).exists()


def _documents(item: AgendaItem) -> list[Document]:
    listed = [item.report, *item.attachments.all()]
    return [d for d in listed if d is not None and d.voided_at is None]


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    bodies = member_bodies(user)
    since = timezone.now() - datetime.timedelta(days=1)
    meetings = (
        Meeting.objects.filter(body__in=bodies, starts_at__gte=since)
        .select_related("body__authority", "body__committee")
        .order_by("starts_at")
    )
    openings = set(user_openings(user))
    return render(
        request,
        "meetings/portal.html",
        {
            "meetings": [(m, position_in(user, m.body, m.day), m.pk in openings) for m in meetings],
        },
    )


def user_openings(user: User) -> list[int]:
    return list(Opening.objects.filter(user=user).values_list("meeting_id", flat=True))


@login_required
def portal_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting, position = _meeting(request, pk)
    actions.do_record_opening(meeting, actor=user)
    items = list(
        meeting.items.filter(withdrawn=False)
        .select_related("case__authority")
        .prefetch_related("attachments")
        .order_by("position", "pk")
    )
    notes = {n.document_id: n.text for n in PrivateNote.objects.filter(user=user)}
    rows = []
    for item in items:
        documents = [
            (d, notes.get(d.pk, ""))
            for d in _documents(item)
            if entitled(user, meeting, position, d)
        ]
        rows.append((item, scrub(item.title, masks_for(item.case)), documents))
    return render(
        request,
        "meetings/portal_meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "position": position,
        },
    )


def _agenda_document(user: User, meeting: Meeting, position: str, number: int) -> Document:
    for item in meeting.items.filter(withdrawn=False).prefetch_related("attachments"):
        for document in _documents(item):
            if document.pk == number and entitled(user, meeting, position, document):
                return document
    raise Http404


@login_required
def document_file(request: HttpRequest, pk: int, document: int) -> HttpResponseBase:
    user, meeting, position = _meeting(request, pk)
    found = _agenda_document(user, meeting, position, document)
    current = [f for f in found.files.select_related("stored") if f.is_current]
    if not current:
        raise Http404
    do_log_read(found, "file", stored_file=current[0].stored, actor=user)
    return file_response(current[0].stored, current[0].name, inline=True)


@login_required
@require_POST
def note(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    user, meeting, position = _meeting(request, pk)
    found = _agenda_document(user, meeting, position, document)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.do_save_note(found, form.cleaned_data["text"], actor=user)
        messages.success(request, _("Your note is saved. Only you can read it."))
    return redirect(reverse("meetings:portal_meeting", args=[meeting.pk]) + f"#handling-{found.pk}")
