"""The members' portal (ledamotsportalen) before the meeting: that a member opened the
meeting's documents, and a member's private notes on a document."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kansli.access.rules import position_in
from kansli.audit.chain import record
from kansli.meetings.models import Meeting, Opening, PrivateNote
from kansli.registry.models import Document


@transaction.atomic
def do_record_opening(meeting: Meeting, *, at: datetime.datetime | None = None, actor: Any) -> bool:
    """A member opened the meeting's documents; only the first time is kept. Returns
    whether this was the first time. `at` (an earlier time) is for the demo and imports."""
    if not position_in(actor, meeting.body, meeting.day):
        raise PermissionDenied("Du är inte ledamot eller ersättare i organet.")
    _opening, created = Opening.objects.get_or_create(
        meeting=meeting,
        user=actor,
        defaults={"first_opened_at": min(at or timezone.now(), timezone.now())},
    )
    if created:
        record(actor=actor, action="meetings.open_documents", obj=meeting, label=str(meeting))
    return created


@transaction.atomic
def do_save_note(document: Document, text: str, *, actor: Any) -> PrivateNote | None:
    """A member's private note on a document (an empty text removes it). The audit
    event says that a note was written or removed, never its text: no one else may
    read it. Any signed-in user may keep one, since a note shows nothing of the
    document; which documents a member reaches is the portal's (views/portal.py)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Logga in för att skriva anteckningar.")
    note = None
    if not text.strip():
        removed, _kinds = PrivateNote.objects.filter(user=actor, document=document).delete()
        if not removed:
            return None  # nothing was there: nothing changed, nothing to audit
    else:
        note, _created = PrivateNote.objects.update_or_create(
            user=actor,
            document=document,
            defaults={"text": text.strip(), "changed_at": timezone.now()},
        )
    record(
        actor=actor,
        action="meetings.save_note" if note else "meetings.remove_note",
        obj=document,
        label=document.document_number,
    )
    return note
