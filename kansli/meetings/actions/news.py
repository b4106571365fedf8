"""Snabbnytt: the secretary's short news to the staff of what the body decided, and a
member of staff's first reading of it (Leksand's measure 8)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings.models import Body, Meeting, NewsItem, NewsRead
from kansli.meetings.permissions import require_secretary

TITLE_MAX, TEXT_MAX = 200, 10_000


@transaction.atomic
def do_publish_news(
    body: Body,
    title: str,
    text: str,
    *,
    meeting: Meeting | None = None,
    at: datetime.datetime | None = None,
    actor: Any,
) -> NewsItem:
    """The body's secretary publishes a snabbnytt to the authority's staff, after a
    meeting when one is named. The text is the secretary's own summary: what a
    non-public item holds is secret (OSL) and must not be told in it, so nothing is
    filled in from the items here; the form warns when the meeting had such items.
    `at` (an earlier time) is for the demo."""
    require_secretary(actor, body)
    if actor is None:
        raise PermissionDenied("Snabbnytt publiceras av organets sekreterare.")
    published = min(at or timezone.now(), timezone.now())
    title, text = title.strip(), text.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Skriv en rubrik."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Rubriken får vara högst {TITLE_MAX} tecken."
    if not text:
        errors["text"] = "Skriv vad som beslutades."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Texten får vara högst {TEXT_MAX} tecken."
    if meeting is not None and meeting.body_id != body.pk:
        errors["meeting"] = "Sammanträdet hör till ett annat organ."
    elif meeting is not None and (meeting.cancelled_at or meeting.starts_at > published):
        errors["meeting"] = "Snabbnytt skrivs efter sammanträdet."
    if errors:
        raise ValidationError(errors)
    item = NewsItem.objects.create(
        body=body,
        meeting=meeting,
        title=title,
        text=text,
        published_at=published,
        published_by=actor,
    )
    record(
        actor=actor,
        action="meetings.publish_news",
        obj=item,
        label=title,
        after={"body": body.code, "meeting": str(meeting or "")},
    )
    return item


@transaction.atomic
def do_read_news(item: NewsItem, *, at: datetime.datetime | None = None, actor: Any) -> bool:
    """A member of staff opened the news item; only the first time is kept and audited,
    as a member's first opening of the meeting documents is (do_record_opening).
    Returns whether this was the first time. `at` (an earlier time) is for the demo."""
    if not NewsItem.objects.visible_to(actor).filter(pk=item.pk).exists():
        raise PermissionDenied("Snabbnytt är för de anställda i myndigheten.")
    _read, created = NewsRead.objects.get_or_create(
        item=item, user=actor, defaults={"read_at": min(at or timezone.now(), timezone.now())}
    )
    if created:
        record(actor=actor, action="meetings.read_news", obj=item, label=item.title)
    return created
