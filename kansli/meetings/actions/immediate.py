"""Omedelbar justering (KL 5 kap. 70 §): a single § approved at the meeting, before the
rest of the minutes, so that the decision can be acted on at once. The secretary puts
the § up for it; the chair who presided at the § and the approvers sign it; after the
last signature the § is locked, its notice is posted on the board with its own appeal
period (KL 13 kap. 5 §), and its extract is registered in the case, ready to dispatch."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.meetings import pdf
from kansli.meetings.actions.approval import (
    LOCKED,
    NO_ATTENDANCE,
    NOT_APPROVER,
    chairs_of,
    presiding_chair,
    require_open,
)
from kansli.meetings.actions.attendance import serving
from kansli.meetings.actions.publication import register_extract
from kansli.meetings.models import Minutes, Outcome, Paragraph, ParagraphApproval, ParagraphNotice
from kansli.meetings.permissions import require_secretary
from kansli.workdays.calendar import is_day_off, legal_deadline

APPROVED = "Paragrafen är omedelbart justerad och kan inte ändras."


def require_paragraph_open(paragraph: Paragraph) -> None:
    """Refuse a change to a § approved immediately, read under a row lock as
    require_open reads the minutes."""
    locked = Paragraph.objects.select_for_update().filter(pk=paragraph.pk)
    if locked.values_list("approved_at", flat=True).get() is not None:
        raise ValidationError(APPROVED)


def paragraph_approvers(paragraph: Paragraph) -> set[int]:
    """Who signs the §: the chair who presided at it (recorded per §, else the one who
    presided at the meeting) and the chosen approvers."""
    chair = paragraph.presiding_id or presiding_chair(paragraph.minutes)
    chosen = {p.pk for p in paragraph.minutes.approvers.all()}
    return chosen if chair is None else chosen | {chair}


@transaction.atomic
def do_mark_immediate_approval(paragraph: Paragraph, *, actor: Any) -> Paragraph:
    """The body decided that the § is approved at once: the secretary puts it up for
    the signatures. Only during or after the meeting and before the minutes are
    approved, and only for a § with its decision written."""
    minutes = paragraph.minutes
    require_secretary(actor, minutes.meeting.body)
    require_open(minutes)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.immediate_at is not None:
        raise ValidationError("Paragrafen är redan anmäld för omedelbar justering.")
    now = timezone.now()
    if now < minutes.meeting.starts_at:
        raise ValidationError("En paragraf kan justeras omedelbart först när sammanträdet börjat.")
    if paragraph.outcome == Outcome.DECIDED and not paragraph.decision.strip():
        raise ValidationError("Skriv beslutet innan paragrafen justeras.")
    paragraph.immediate_at = now
    paragraph.save(update_fields=["immediate_at"])
    record(
        actor=actor, action="meetings.mark_immediate_approval", obj=paragraph, label=str(paragraph)
    )
    return paragraph


def do_approve_paragraph(paragraph: Paragraph, *, verified: bool, actor: Any) -> Paragraph:
    """One signature of the immediate approval, by the presiding chair or an approver
    who serves at the § (the rule of the minutes, KL 5 kap. 69 §), with the second
    factor. After the last one the § is locked and its notice posted in that
    transaction; its extract is rendered outside any transaction and registered in a
    second one, as the minutes are (seal_paragraph)."""
    paragraph, last = _approve(paragraph, verified, actor)
    if last:
        seal_paragraph(paragraph)
    return paragraph


@transaction.atomic
def _approve(paragraph: Paragraph, verified: bool, actor: Any) -> tuple[Paragraph, bool]:
    minutes = Minutes.objects.select_for_update().get(pk=paragraph.minutes_id)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if minutes.locked_at is not None:
        raise ValidationError(LOCKED)
    if paragraph.immediate_at is None:
        raise ValidationError("Paragrafen är inte anmäld för omedelbar justering.")
    if paragraph.approved_at is not None:
        raise ValidationError("Paragrafen är redan omedelbart justerad.")
    approvers = _require_signer(paragraph, verified, actor)
    if paragraph.immediate_approvals.filter(user=actor).exists():
        raise ValidationError("Du har redan justerat paragrafen.")
    now = timezone.now()
    ParagraphApproval.objects.create(paragraph=paragraph, user=actor, approved_at=now)
    record(actor=actor, action="meetings.approve_paragraph", obj=paragraph, label=str(paragraph))
    last = approvers <= set(paragraph.immediate_approvals.values_list("user_id", flat=True))
    if last:
        _post(paragraph, now)
    return paragraph, last


def _require_signer(paragraph: Paragraph, verified: bool, actor: Any) -> set[int]:
    """Refuse anyone but the presiding chair and the approvers, them without the second
    factor, and anyone not recorded as present and serving at the §; returns who
    signs."""
    minutes = paragraph.minutes
    candidates = {p.pk for p in minutes.approvers.all()} | {u for _p, u in chairs_of(minutes)}
    if actor is None or actor.pk not in candidates | {paragraph.presiding_id}:
        raise PermissionDenied(NOT_APPROVER)
    if not verified:
        raise PermissionDenied("Justering kräver inloggning med andra faktor (engångskod).")
    present = serving(minutes, paragraph.number)
    if not present:
        raise ValidationError(NO_ATTENDANCE)
    if actor.pk not in present:
        name = actor.get_full_name() or actor.username
        raise ValidationError(
            f"{name} tjänstgör inte vid § {paragraph.number} och kan inte justera."
        )
    approvers = paragraph_approvers(paragraph)
    if actor.pk not in approvers:  # the vice chair when the chair presided
        raise PermissionDenied(NOT_APPROVER)
    return approvers


def posting_day(now: datetime.datetime) -> datetime.date:
    """The notice goes up the day of the approval, or the next working day when that is
    a day off (KL 8 kap. 12 §: no later than the second day after approval)."""
    day = timezone.localdate(now)
    while is_day_off(day):
        day += datetime.timedelta(days=1)
    return day


def _post(paragraph: Paragraph, now: datetime.datetime) -> None:
    paragraph.approved_at = now
    paragraph.save(update_fields=["approved_at"])
    posted = posting_day(now)
    # KL 13 kap. 5 §: three weeks from the day of posting, to the next working day.
    appeal_ends = legal_deadline(posted, weeks=3)
    ParagraphNotice.objects.create(
        paragraph=paragraph,
        posted_on=posted,
        appeal_ends=appeal_ends,
        kept_at=paragraph.body.minutes_kept_at(),
    )
    record(
        actor=None,
        action="meetings.post_paragraph_notice",
        obj=paragraph,
        label=str(paragraph),
        after={"posted_on": posted.isoformat(), "appeal_ends": appeal_ends.isoformat()},
    )


def seal_paragraph(paragraph: Paragraph) -> None:
    """Render the extract of an immediately approved § outside any transaction and
    register it in one; a second call, or one after it is registered, does nothing."""
    paragraph = Paragraph.objects.select_related("item__case", "body", "notice").get(
        pk=paragraph.pk
    )
    if paragraph.approved_at is None or paragraph.extract_id is not None:
        return
    data = pdf.extract_pdf(paragraph)
    drawn_up = timezone.localdate(paragraph.approved_at)  # the notice may go up later
    with transaction.atomic():
        if Paragraph.objects.select_for_update().filter(pk=paragraph.pk, extract=None):
            register_extract(paragraph, drawn_up, data=data)
