"""E-justering: the secretary releases the draft minutes to the presiding chair and the
approvers, who read it (a PDF marked "Ej justerat"), comment on a § or on the whole, and
are reminded until they have approved; the secretary answers. The approval itself is
do_approve_minutes, as before (KL 5 kap. 69 §, 8 kap. 12 §)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kansli.audit.chain import record
from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.meetings import draft_mail, pdf
from kansli.meetings.actions.approval import NOT_APPROVER, approvers_of, require_open
from kansli.meetings.models import ApprovalComment, Minutes, Paragraph
from kansli.meetings.permissions import require_secretary

MAX_TEXT = 4000
NOT_RELEASED = "Utkastet till protokollet är inte utskickat för justering."
APPROVED = "Protokollet är justerat: utkastet kan inte längre kommenteras."
# What the draft's own steps record; anything else on the minutes or a § after the
# release changes what the approvers read.
DRAFT_STEPS = {
    "meetings.release_draft",
    "meetings.comment_draft",
    "meetings.answer_comment",
    "meetings.remind_approvers",
    "meetings.approve_minutes",
}


def draft_pdf(minutes: Minutes) -> bytes:
    """The draft as one PDF: the public part, then the non-public part when an item is
    non-public; each page marked "Ej justerat". Writes nothing."""
    from pypdf import PdfWriter

    parts = [pdf.minutes_pdf(minutes, draft=True)]
    if minutes.paragraphs.filter(item__secrecy__isnull=False).exists():
        parts.append(pdf.minutes_pdf(minutes, secret_part=True, draft=True))
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def do_release_draft(minutes: Minutes, *, actor: Any) -> Minutes:
    """The secretary releases the draft (again, after a change): rendered outside any
    transaction, then stored, dated and recorded in one; the chair and the approvers
    are e-mailed a link to it once that has committed."""
    require_secretary(actor, minutes.meeting.body)
    if minutes.locked_at is not None:
        raise ValidationError("Protokollet är redan justerat.")
    if not minutes.paragraphs.exists():
        raise ValidationError("Protokollet har inga paragrafer.")
    if not approvers_of(minutes):
        raise ValidationError("Protokollet har varken ordförande eller justerare att skicka till.")
    data = draft_pdf(minutes)
    with transaction.atomic():
        require_open(minutes)
        minutes = (
            Minutes.objects.select_for_update().select_related("meeting__body").get(pk=minutes.pk)
        )
        again = minutes.released_at is not None
        minutes.draft = store_bytes(data, f"utkast-protokoll-{minutes.meeting}.pdf")
        minutes.released_at = timezone.now()
        minutes.save(update_fields=["draft", "released_at"])
        record(
            actor=actor,
            action="meetings.release_draft",
            obj=minutes,
            label=str(minutes),
            after={"draft": minutes.draft.sha256, "again": again},
        )
        minutes_id = minutes.pk
        transaction.on_commit(lambda: draft_mail.draft_released(minutes_id, again=again))
    return minutes


def changed_since_release(minutes: Minutes) -> bool:
    """Whether the minutes or a § of them changed after the draft was released, so
    that the approvers read an old draft until it is released again."""
    if minutes.released_at is None:
        return False
    rows = list(minutes.paragraphs.values_list("pk", "item_id"))
    on_minutes = Q(object_type="meetings.minutes", object_id=str(minutes.pk))
    on_paragraphs = Q(object_type="meetings.paragraph", object_id__in=[str(p) for p, _ in rows])
    on_items = Q(object_type="meetings.agendaitem", object_id__in=[str(i) for _, i in rows])
    later = AuditEvent.objects.filter(
        on_minutes | on_paragraphs | on_items, seq__gt=_release_seq(minutes)
    )
    return later.exclude(action__in=DRAFT_STEPS).exists()


def _release_seq(minutes: Minutes) -> int:
    last = AuditEvent.objects.filter(
        action="meetings.release_draft", object_type="meetings.minutes", object_id=str(minutes.pk)
    ).order_by("-seq")
    return last.values_list("seq", flat=True).first() or 0


def _text(text: str, field: str, empty: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: f"Texten får vara högst {MAX_TEXT} tecken."})
    return text


@transaction.atomic
def do_comment_draft(
    minutes: Minutes, text: str, *, paragraph: Paragraph | None = None, actor: Any
) -> ApprovalComment:
    """The chair's or an approver's comment on the released draft, on one § or on the
    whole minutes; only until the minutes are approved."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if actor is None or actor.pk not in approvers_of(minutes):
        raise PermissionDenied(NOT_APPROVER)
    if minutes.locked_at is not None:
        raise ValidationError(APPROVED)
    if minutes.released_at is None:
        raise ValidationError(NOT_RELEASED)
    if paragraph is not None and paragraph.minutes_id != minutes.pk:
        raise ValidationError({"paragraph": "Paragrafen finns inte i protokollet."})
    comment = ApprovalComment.objects.create(
        minutes=minutes,
        paragraph=paragraph,
        author=actor,
        text=_text(text, "text", "Skriv en kommentar."),
        written_at=timezone.now(),
    )
    record(
        actor=actor,
        action="meetings.comment_draft",
        obj=minutes,
        label=str(minutes),
        after={"comment": comment.pk, "paragraph": paragraph.number if paragraph else None},
    )
    return comment


@transaction.atomic
def do_answer_comment(comment: ApprovalComment, answer: str, *, actor: Any) -> ApprovalComment:
    """The secretary's answer to an approver's comment (a later answer replaces it),
    while the minutes are not approved."""
    comment = ApprovalComment.objects.select_related("minutes__meeting__body").get(pk=comment.pk)
    require_secretary(actor, comment.minutes.meeting.body)
    require_open(comment.minutes)
    comment.answer = _text(answer, "answer", "Skriv ett svar.")
    comment.answered_by, comment.answered_at = actor, timezone.now()
    comment.save(update_fields=["answer", "answered_by", "answered_at"])
    record(
        actor=actor,
        action="meetings.answer_comment",
        obj=comment.minutes,
        label=str(comment.minutes),
        after={"comment": comment.pk},
    )
    return comment


def waiting(minutes: Minutes) -> set[int]:
    """The chair and approvers who have not approved yet."""
    done = set(minutes.approvals.values_list("user_id", flat=True))
    return approvers_of(minutes) - done


def do_remind_approvers(minutes: Minutes, *, actor: Any) -> set[int]:
    """The secretary reminds those who have not approved the released draft; at most
    once a day, the daily reminder included. Returns whom."""
    require_secretary(actor, minutes.meeting.body)
    return _remind(minutes, actor)


@transaction.atomic
def _remind(minutes: Minutes, actor: Any) -> set[int]:
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.locked_at is not None:
        raise ValidationError("Protokollet är redan justerat.")
    if minutes.released_at is None:
        raise ValidationError(NOT_RELEASED)
    now = timezone.now()
    if minutes.reminded_at and timezone.localdate(minutes.reminded_at) == timezone.localdate(now):
        raise ValidationError("En påminnelse har redan skickats i dag.")
    people = waiting(minutes)
    if not people:
        raise ValidationError("Alla har redan justerat.")
    minutes.reminded_at = now
    minutes.save(update_fields=["reminded_at"])
    record(
        actor=actor,
        action="meetings.remind_approvers",
        obj=minutes,
        label=str(minutes),
        after={"to": sorted(people)},
    )
    minutes_id = minutes.pk
    transaction.on_commit(lambda: draft_mail.reminder(minutes_id, sorted(people)))
    return people


def remind_due() -> int:
    """The daily reminder (kansli remind): released drafts not approved whose approval
    day is tomorrow or has passed, each reminded at most once a day. Returns how many
    minutes were reminded of."""
    today = timezone.localdate()
    due = Minutes.objects.filter(
        released_at__isnull=False,
        locked_at__isnull=True,
        approval_due__lte=today + datetime.timedelta(days=1),
    ).exclude(reminded_at__date=today)
    reminded = 0
    for minutes in due:
        try:
            _remind(minutes, None)
        except ValidationError:  # everyone approved, or reminded meanwhile
            continue
        reminded += 1
    return reminded
