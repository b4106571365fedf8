"""A meeting's end and its cancelling (inställt sammanträde). The end time is recorded
by the secretary, when scheduling or once the meeting is over; the minutes are approved
only after it (KL 5 kap. 69 §, 6 kap. 35 §). A cancelled meeting keeps its place in the
list, marked, and gets no notice, no items and no minutes: its items are moved to
another meeting by the secretary (do_move_item, on the meeting page)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings import notify_cancelled
from kansli.meetings.meeting_time import LONGEST
from kansli.meetings.models import Meeting, Minutes
from kansli.meetings.permissions import require_secretary

CANCELLED = "Sammanträdet är inställt."
REASON_LONGEST = 2000


def require_not_cancelled(meeting: Meeting) -> None:
    """Refuse a notice, an item or minutes for a cancelled meeting (read from the
    database: the caller's copy may be older than the cancelling)."""
    if Meeting.objects.filter(pk=meeting.pk, cancelled_at__isnull=False).exists():
        raise ValidationError(CANCELLED)


def check_end(starts_at: datetime.datetime, ends_at: datetime.datetime | None) -> None:
    """An end time after the start and at most a week after it."""
    if ends_at is None:
        return
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "Sluttiden måste vara efter starttiden."})
    if ends_at - starts_at > LONGEST:
        raise ValidationError(
            {"ends_at": "Ett sammanträde kan pågå högst sju dagar; kontrollera sluttiden."}
        )


@transaction.atomic
def do_close_meeting(meeting: Meeting, ends_at: datetime.datetime, *, actor: Any) -> Meeting:
    """The secretary records when the meeting ended (or changes it, until the minutes
    are approved: the approved minutes give the time)."""
    require_secretary(actor, meeting.body)
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    require_not_cancelled(meeting)
    if Minutes.objects.filter(meeting=meeting, locked_at__isnull=False).exists():
        raise ValidationError("Protokollet är justerat och låst. En ändring kräver en rättelse.")
    check_end(meeting.starts_at, ends_at)
    before = meeting.ends_at.isoformat() if meeting.ends_at else None
    meeting.ends_at = ends_at
    meeting.save(update_fields=["ends_at"])
    record(
        actor=actor,
        action="meetings.close_meeting",
        obj=meeting,
        label=str(meeting),
        before={"ends_at": before},
        after={"ends_at": ends_at.isoformat()},
    )
    return meeting


@transaction.atomic
def do_cancel_meeting(meeting: Meeting, reason: str, *, actor: Any) -> Meeting:
    """Ställ in: the secretary calls the meeting off with a reason, shown to the public
    as written, before its minutes are begun. The members and the substitutes called in
    are e-mailed; the notice board and the public page say "Inställt"."""
    require_secretary(actor, meeting.body)
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    require_not_cancelled(meeting)
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError("Protokollet är påbörjat; sammanträdet kan inte ställas in.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Ange varför sammanträdet ställs in."})
    if len(reason) > REASON_LONGEST:
        raise ValidationError(
            {"reason": f"Skälet får vara högst {REASON_LONGEST} tecken ({len(reason)} angivna)."}
        )
    meeting.cancelled_at = timezone.now()
    meeting.cancellation_reason = reason
    meeting.save(update_fields=["cancelled_at", "cancellation_reason"])
    record(
        actor=actor,
        action="meetings.cancel_meeting",
        obj=meeting,
        label=str(meeting),
        after={"reason": reason, "items": meeting.items.count()},
    )
    transaction.on_commit(lambda: notify_cancelled.meeting_cancelled(meeting.pk))
    return meeting
