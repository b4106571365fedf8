"""Approval of the minutes (justering) and correction (rättelse): who approves, the second
factor, locking and sealing the minutes, posting the notice on the board (anslag) and the
refusal of any change to approved minutes."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.meetings import pdf
from kansli.meetings.actions.publication import register_extract
from kansli.meetings.meeting_time import has_ended, span
from kansli.meetings.models import Approval, Attendance, Correction, Minutes, Notice, Paragraph
from kansli.meetings.permissions import require_secretary
from kansli.org.models import ElectedPosition
from kansli.workdays.calendar import legal_deadline

LOCKED = "Protokollet är justerat och låst. En ändring kräver en rättelse."
NOT_APPROVER = "Du är inte ordförande eller justerare för protokollet."
NOT_ENDED = "Sammanträdet är inte avslutat; ange sluttid först."
ENDS_LATER = "Sammanträdet är inte avslutat (%s); protokollet justeras efter sluttiden."


def require_open(minutes: Minutes) -> None:
    """Refuse a change to approved minutes. Read from the database, under a row lock,
    so neither a stale object nor an approval at the same moment lets one through."""
    locked = Minutes.objects.select_for_update().filter(pk=minutes.pk)
    if locked.values_list("locked_at", flat=True).get() is not None:
        raise ValidationError(LOCKED)


NO_ATTENDANCE = "Närvaron är inte registrerad: protokollet kan inte justeras förrän den är det."
PRESIDING: list[str] = [ElectedPosition.CHAIR, ElectedPosition.VICE_CHAIR]


def present_serving(minutes: Minutes) -> set[int]:
    """Those recorded in the attendance as present members or serving substitutes: the
    ones who decided, among whom the approvers are chosen (KL 5 kap. 69 §)."""
    deciding = [Attendance.Capacity.MEMBER, Attendance.Capacity.SUBSTITUTE]
    return set(minutes.attendance.filter(capacity__in=deciding).values_list("user_id", flat=True))


def chairs_of(minutes: Minutes) -> list[tuple[str, int]]:
    """The body's chair (ordförande) and vice chair (vice ordförande) on the meeting
    day, chair first, as (position, user id)."""
    meeting = minutes.meeting
    roles = meeting.body.members_on(meeting.day).filter(position__in=PRESIDING)
    found = list(roles.values_list("position", "user_id"))
    return sorted(found, key=lambda role: PRESIDING.index(role[0]))


def presiding_chair(minutes: Minutes) -> int | None:
    """Who presided and so approves as chair: the one who presided at the most §
    (Paragraph.presiding, kansli.meetings.actions.presence), on a tie the one at the
    first of them. Where no § has one recorded: the body's chair when recorded present,
    else the vice chair when present (in the chair's absence the vice chair presides,
    as the body's rules of procedure, reglementet, say); before any attendance is
    recorded, the chair."""
    recorded = minutes.paragraphs.exclude(presiding=None).order_by("number")
    per_paragraph = list(recorded.values_list("presiding_id", flat=True))
    if per_paragraph:
        counts = Counter(per_paragraph)
        return max(counts, key=lambda user: (counts[user], -per_paragraph.index(user)))
    chairs = chairs_of(minutes)
    present = present_serving(minutes)
    if not present:
        return next((user for position, user in chairs if position == ElectedPosition.CHAIR), None)
    return next((user for _position, user in chairs if user in present), None)


def approvers_of(minutes: Minutes) -> set[int]:
    """The chair who presided at the meeting and the chosen approvers."""
    chair = presiding_chair(minutes)
    chosen = {p.pk for p in minutes.approvers.all()}
    return chosen if chair is None else chosen | {chair}


def do_approve_minutes(
    minutes: Minutes, *, verified: bool, at: datetime.datetime | None = None, actor: Any
) -> Minutes:
    """Justering by the chair or an approver, after a second-factor check (`verified`:
    the session passed TOTP). After the last approval the minutes are locked and the
    notice goes on the board; then they are rendered as PDF/A and sealed, and each
    decided § becomes a minutes extract registered in its case. `at` (an earlier time,
    after the meeting) is for the demo and imports.

    One step for the caller, in two transactions: the approval and the lock commit
    first; the PDFs (seconds of rendering for a long meeting) are made outside any
    transaction from the locked, unchangeable minutes, and stored with their audit
    event in a second one, so no other action waits on the audit chain meanwhile."""
    minutes, last = _approve(minutes, verified, at, actor)
    if last:
        seal_minutes(minutes)
    return minutes


@transaction.atomic
def _approve(
    minutes: Minutes, verified: bool, at: datetime.datetime | None, actor: Any
) -> tuple[Minutes, bool]:
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    approvers = _require_approver(minutes, verified, actor)
    if minutes.locked_at is not None:  # read just now under the row lock
        raise ValidationError(LOCKED)
    if minutes.approvals.filter(user=actor).exists():
        raise ValidationError("Du har redan justerat protokollet.")
    if not minutes.paragraphs.exists():
        raise ValidationError("Protokollet har inga paragrafer.")
    now = min(at or timezone.now(), timezone.now())
    # KL 5 kap. 69 §: the minutes of a meeting held; none before it has begun, and
    # none before it has ended (kansli.meetings.meeting_time).
    meeting = minutes.meeting
    if now < meeting.starts_at:
        raise ValidationError("Protokollet kan inte justeras före sammanträdet.")
    if not has_ended(meeting, now):
        raise ValidationError(NOT_ENDED if meeting.ends_at is None else ENDS_LATER % span(meeting))
    Approval.objects.create(minutes=minutes, user=actor, approved_at=now)
    record(actor=actor, action="meetings.approve_minutes", obj=minutes, label=str(minutes))
    last = approvers <= set(minutes.approvals.values_list("user_id", flat=True))
    if last:
        _lock(minutes, now)
    return minutes, last


def _require_approver(minutes: Minutes, verified: bool, actor: Any) -> set[int]:
    """Refuse anyone but the presiding chair and the approvers, them without the
    second factor, and a chair or approver not recorded as present and serving (KL 5
    kap. 69 §: the chair and the approvers chosen among those who took part); returns
    who the approvers are."""
    chosen = {p.pk for p in minutes.approvers.all()}
    candidates = chosen | {user for _position, user in chairs_of(minutes)}
    presiding = presiding_chair(minutes)  # may be someone chosen to preside
    if presiding is not None:
        candidates.add(presiding)
    if actor is None or actor.pk not in candidates:
        raise PermissionDenied(NOT_APPROVER)
    if not verified:
        raise PermissionDenied("Justering kräver inloggning med andra faktor (engångskod).")
    present = present_serving(minutes)
    if not present:
        raise ValidationError(NO_ATTENDANCE)
    if actor.pk not in present:
        name = actor.get_full_name() or actor.username
        raise ValidationError(f"{name} var inte närvarande och kan inte justera.")
    approvers = approvers_of(minutes)
    if actor.pk not in approvers:  # the vice chair when the chair presided
        raise PermissionDenied(NOT_APPROVER)
    return approvers


def _render_sealed(
    minutes: Minutes, reason: str, name: str
) -> tuple[tuple[bytes, str], tuple[bytes, str] | None]:
    """The minutes as PDF/A, sealed with the municipality's certificate, as bytes and
    file name: the public part, and the non-public part when an item is non-public.
    Writes nothing: called outside the transaction."""
    from kansli.meetings.signing import seal_pdf

    body = minutes.meeting.body
    location = minutes.approval_place or body.authority.municipality.name
    public = seal_pdf(pdf.minutes_pdf(minutes), reason=reason, location=location), name
    if not minutes.paragraphs.filter(item__secrecy__isnull=False).exists():
        return public, None
    secret_name = name.removesuffix(".pdf") + "-sekretessbilaga.pdf"
    secret = seal_pdf(pdf.minutes_pdf(minutes, secret_part=True), reason=reason, location=location)
    return public, (secret, secret_name)


def _store(
    rendered: tuple[tuple[bytes, str], tuple[bytes, str] | None],
) -> tuple[StoredFile, StoredFile | None]:
    public, secret = rendered
    return store_bytes(*public), (store_bytes(*secret) if secret else None)


def _lock(minutes: Minutes, now: datetime.datetime) -> None:
    """The last approval (at `now`): lock the minutes and post the notice."""
    minutes.locked_at = now
    minutes.save(update_fields=["locked_at"])
    # KL 8 kap. 12 §: posted no later than the second day after approval; here at once.
    # KL 13 kap. 5 §: appeal within three weeks from the day of posting.
    posted = timezone.localdate(now)
    appeal_ends = legal_deadline(posted, weeks=3)
    Notice.objects.create(
        minutes=minutes,
        posted_on=posted,
        appeal_ends=appeal_ends,
        kept_at=minutes.meeting.body.minutes_kept_at(),
    )
    record(
        actor=None,
        action="meetings.lock_minutes",
        obj=minutes,
        label=str(minutes),
        after={"posted_on": posted.isoformat(), "appeal_ends": appeal_ends.isoformat()},
    )


def do_seal_minutes(minutes: Minutes, *, actor: Any) -> None:
    """The secretary finishes a sealing that was cut short (the renderer failed after
    the last approval): the minutes, then any applied correction not yet sealed; before
    the minutes are approved, the extracts of immediately approved § (KL 5 kap. 70 §).
    Not one transaction, by design: see seal_minutes."""
    from kansli.meetings.actions.immediate import seal_paragraph

    require_secretary(actor, minutes.meeting.body)
    if minutes.locked_at is None:
        missing = list(immediate_extracts_missing(minutes))
        if not missing:
            raise ValidationError("Protokollet är inte justerat.")
        for paragraph in missing:
            seal_paragraph(paragraph)
        return
    seal_minutes(minutes)
    for correction in Correction.objects.filter(
        paragraph__minutes=minutes, applied_at__isnull=False, sealed__isnull=True
    ):
        seal_correction(correction)


def extracts_missing(minutes: Minutes) -> QuerySet[Paragraph]:
    """The § of approved minutes whose extract is not registered yet; a procedural §
    belongs to no case and has none."""
    return minutes.paragraphs.filter(extract__isnull=True, item__case__isnull=False)


def immediate_extracts_missing(minutes: Minutes) -> QuerySet[Paragraph]:
    """The immediately approved § whose extract is not registered yet."""
    return extracts_missing(minutes).filter(approved_at__isnull=False)


def sealing_cut_short(minutes: Minutes) -> bool:
    """Approved minutes not yet sealed, or with an extract missing; before approval, an
    immediately approved § without its extract."""
    if minutes.locked_at is None:
        return immediate_extracts_missing(minutes).exists()
    return minutes.sealed_id is None or extracts_missing(minutes).exists()


def seal_minutes(minutes: Minutes) -> None:
    """Render and seal locked minutes outside any transaction and store them in one;
    then each § extract the same way, one § per transaction. Nothing changes the
    locked minutes meanwhile (require_open), and other users' actions wait at most for
    one short transaction, not for the rendering. What is done stays done: a call cut
    short is finished by calling it again, which does only what is missing."""
    minutes = Minutes.objects.select_related("meeting__body", "notice").get(pk=minutes.pk)
    if minutes.locked_at is None:
        return
    if minutes.sealed_id is None:
        rendered = _render_sealed(minutes, "Justerat protokoll", f"protokoll-{minutes.meeting}.pdf")
        with transaction.atomic():
            locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
            if locked.sealed_id is None:  # not sealed by another call meanwhile
                locked.sealed, locked.sealed_secret = _store(rendered)
                locked.save(update_fields=["sealed", "sealed_secret"])
                record(
                    actor=None,
                    action="meetings.seal_minutes",
                    obj=locked,
                    label=str(locked),
                    after={"sealed": locked.sealed.sha256},
                )
    posted = minutes.notice.posted_on
    for paragraph in extracts_missing(minutes).select_related("item__case", "body"):
        data = pdf.extract_pdf(paragraph)
        with transaction.atomic():
            if Paragraph.objects.select_for_update().filter(pk=paragraph.pk, extract=None):
                register_extract(paragraph, posted, data=data)


@transaction.atomic
def do_propose_correction(
    paragraph: Paragraph,
    text: str,
    reason: str,
    *,
    part: str = Correction.Part.DECISION,
    actor: Any,
) -> Correction:
    """Rättelse: propose a new text for the decision of a § of approved minutes, or for
    its reasons (`part`), with the reason for the correction. It takes effect when the
    chair and the approvers have approved it."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    minutes = Minutes.objects.select_for_update().get(pk=paragraph.minutes_id)
    if minutes.locked_at is None:
        raise ValidationError("Protokollet är inte justerat än: ändra paragrafen direkt.")
    paragraph.refresh_from_db()
    if part not in Correction.Part.values:
        raise ValidationError({"part": "Välj om beslutet eller motiveringen rättas."})
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Ange varför protokollet rättas."
    if text.strip() == getattr(paragraph, part).strip():
        errors[part] = "Den nya texten är densamma som den gamla."
    if paragraph.corrections.filter(applied_at=None).exists():
        errors[part] = "En rättelse av paragrafen väntar redan på justering."
    if errors:
        raise ValidationError(errors)
    correction = Correction.objects.create(
        paragraph=paragraph,
        part=part,
        before=getattr(paragraph, part),
        after=text.strip(),
        reason=reason.strip(),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    record(
        actor=actor,
        action="meetings.propose_correction",
        obj=paragraph,
        label=str(paragraph),
        before={part: correction.before},
        after={part: correction.after, "reason": correction.reason},
    )
    return correction


def do_approve_correction(correction: Correction, *, verified: bool, actor: Any) -> Correction:
    """The chair's or an approver's approval of a correction, with the second factor.
    After the last one the § reads the new text, the minutes are sealed again with the
    correction shown (the first sealed version stays) and a new extract is registered:
    rendered outside the transaction, as do_approve_minutes does."""
    correction, last = _approve_correction(correction, verified, actor)
    return seal_correction(correction) if last else correction


def seal_correction(correction: Correction) -> Correction:
    """Seal the minutes again with an applied correction, as seal_minutes does: rendered
    outside, stored inside; a second call does nothing."""
    if correction.applied_at is None or correction.sealed_id is not None:
        return correction
    paragraph = correction.paragraph
    minutes = paragraph.minutes
    name = f"protokoll-{minutes.meeting}-rattelse-{correction.pk}.pdf"
    rendered = _render_sealed(minutes, "Rättelse av justerat protokoll", name)
    extract = pdf.extract_pdf(paragraph)
    with transaction.atomic():
        correction = Correction.objects.select_for_update().get(pk=correction.pk)
        if correction.sealed_id is not None:
            return correction
        correction.sealed, correction.sealed_secret = _store(rendered)
        correction.save(update_fields=["sealed", "sealed_secret"])
        register_extract(paragraph, timezone.localdate(), corrected=True, data=extract)
        record(
            actor=None,
            action="meetings.seal_correction",
            obj=paragraph,
            label=str(paragraph),
            after={"sealed": correction.sealed.sha256},
        )
    return correction


@transaction.atomic
def _approve_correction(
    correction: Correction, verified: bool, actor: Any
) -> tuple[Correction, bool]:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    paragraph = correction.paragraph
    minutes = paragraph.minutes
    approvers = _require_approver(minutes, verified, actor)
    if correction.applied_at is not None:
        raise ValidationError("Rättelsen är redan justerad.")
    if correction.approved_by.filter(pk=actor.pk).exists():
        raise ValidationError("Du har redan justerat rättelsen.")
    correction.approved_by.add(actor)
    record(actor=actor, action="meetings.approve_correction", obj=paragraph, label=str(paragraph))
    last = approvers <= set(correction.approved_by.values_list("pk", flat=True))
    if last:
        setattr(paragraph, correction.part, correction.after)
        paragraph.save(update_fields=[correction.part])
        correction.applied_at = timezone.now()
        correction.save(update_fields=["applied_at"])
        record(
            actor=None,
            action="meetings.apply_correction",
            obj=paragraph,
            label=str(paragraph),
            after={correction.part: correction.after},
        )
    return correction, last
