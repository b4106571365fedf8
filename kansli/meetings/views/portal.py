"""The member portal (förtroendevalda): upcoming meetings of the member's bodies, the
agenda with its documents once the notice is sent, and private notes. Opening a
meeting's documents is recorded the first time. A secrecy-marked document is shown to
the body's members (ledamöter) and to substitutes serving at the meeting only: inside
the authority secret information goes to those who need it, and they need it to
decide. Its reads are in the read log."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.actions import do_log_read, do_log_reads
from kansli.access.rules import member_reads_document, member_reads_secrets, position_in
from kansli.files.download import file_response
from kansli.meetings import actions
from kansli.meetings.forms import NoteForm
from kansli.meetings.models import (
    AgendaItem,
    Body,
    Meeting,
    Opening,
    PrivateNote,
)
from kansli.meetings.procedural import masks_for_items
from kansli.org.models import User
from kansli.public.record import scrub
from kansli.registry.models import Document
from kansli.registry.models.files import current_files
from kansli.registry.views.common import current_user


def _meeting(request: HttpRequest, pk: int) -> tuple[User, Meeting, str]:
    """A dispatched meeting of a body the user is elected to today; 404 otherwise. Judged
    as of now, not the meeting's day: a member who has left the body reads none of its
    meetings' documents, and no longer signs in with a second factor either."""
    user = current_user(request)
    meeting = get_object_or_404(
        Meeting.objects.select_related("body__authority"), pk=pk, dispatched_at__isnull=False
    )
    position = position_in(user, meeting.body)
    if not position:
        raise Http404
    return user, meeting, position


def _readable(item: AgendaItem, secrets: bool) -> list[Document]:
    """The item's report and attachments the member may read (never a voided one)."""
    listed = [item.report, *item.attachments.all()]
    return [d for d in listed if d is not None and member_reads_document(d, secrets)]


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related("case__authority__municipality", "report", "secrecy")
        .prefetch_related("attachments")
        .order_by("position", "pk")
    )


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """The member's coming meetings, and the earlier ones of the term in each body the
    member sits in today (their documents and, once approved, their minutes)."""
    user = current_user(request)
    bodies = list(Body.objects.elected(user))
    today = timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=1)
    meetings = Meeting.objects.filter(body__in=bodies).select_related(
        "body__authority", "body__committee", "minutes__notice"
    )
    coming = meetings.filter(starts_at__gte=since).order_by("starts_at")
    this_term = Q(pk__in=[])
    for body in bodies:
        this_term |= Q(body=body, starts_at__date__gte=body.term(today)[0])
    earlier = meetings.filter(this_term, starts_at__lt=since, dispatched_at__isnull=False)
    openings = set(Opening.objects.filter(user=user).values_list("meeting_id", flat=True))
    return render(
        request,
        "meetings/portal.html",
        {
            "meetings": [(m, m.pk in openings) for m in coming],
            "earlier": [(m, _notice(m)) for m in earlier.order_by("-starts_at")],
        },
    )


def _notice(meeting: Meeting) -> Any:
    """The notice of the meeting's approved minutes (their public page), if any."""
    minutes = getattr(meeting, "minutes", None)
    return getattr(minutes, "notice", None) if minutes is not None else None


@login_required
def pack(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The meeting pack as one PDF (the notice, then every item's open documents), for
    reading on a tablet or a phone; fetching it counts as opening the documents."""
    user, meeting, _position = _meeting(request, pk)
    if meeting.pack is None:
        raise Http404
    actions.do_record_opening(meeting, actor=user)
    return file_response(meeting.pack, f"handlingar-{meeting}.pdf".replace(" ", "-"), inline=True)


@login_required
def portal_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user, meeting, position = _meeting(request, pk)
    actions.do_record_opening(meeting, actor=user)
    secrets = member_reads_secrets(user, meeting, position)
    listed = [(item, _readable(item, secrets)) for item in _items(meeting)]
    do_log_reads([d for _, docs in listed for d in docs], "registration", actor=user)
    shown = [d.pk for _, documents in listed for d in documents]
    notes = dict(
        PrivateNote.objects.filter(user=user, document__in=shown).values_list("document_id", "text")
    )
    # Names of protected and (by policy) private parties masked as in the e-diary: the
    # agenda is read on tablets in the meeting room.
    masks = masks_for_items(item.case for item, _docs in listed)
    for item, documents in listed:  # rewritten for showing only, never saved
        for document in documents:
            document.description = scrub(document.description, masks[item.case_id])
    # A non-public item is read in full by those who read the secret documents: the
    # members, and substitutes when they serve.
    rows = [
        (
            item,
            item.public_heading
            if item.is_secret and not secrets
            else scrub(item.title, masks[item.case_id]),
            "" if item.is_secret and not secrets else scrub(item.proposal, masks[item.case_id]),
            [(d, notes.get(d.pk, "")) for d in docs],
        )
        for item, docs in listed
    ]
    return render(request, "meetings/portal_meeting.html", {"meeting": meeting, "rows": rows})


def _agenda_document(user: User, meeting: Meeting, position: str, number: int) -> Document:
    secrets = member_reads_secrets(user, meeting, position)
    for item in _items(meeting):
        for document in _readable(item, secrets):
            if document.pk == number:
                return document
    raise Http404


@login_required
def document_file(request: HttpRequest, pk: int, document: int) -> HttpResponseBase:
    user, meeting, position = _meeting(request, pk)
    found = _agenda_document(user, meeting, position, document)
    current = current_files(found.files.select_related("stored"))
    if not current:
        raise Http404
    do_log_read(found, "file", stored_file=current[0].stored, actor=user)
    return file_response(current[0].stored, current[0].name, inline=True, copy=True)


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
