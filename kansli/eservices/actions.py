"""Every change the e-services make: a submission registered as an incoming document in
a new case, an e-förslag checked and published (or declined), signed and, at its
threshold, sent to the board. A citizen's submission runs as the system (actor None)
and keeps nothing of their address or browser; one from an external platform runs as
the API token's user, who must hold a registering role for the authority. The review of
an e-förslag is a registrar's or secretary's of the authority it goes to."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.eservices import mail
from kansli.eservices.models import IdempotencyRecord, Kind, Signature, Submission
from kansli.files.store import store_bytes
from kansli.org.models import Authority, Role
from kansli.registry.actions import (
    add_to_timeline,
    do_attach_file,
    do_change_case_status,
    do_register_incoming,
)
from kansli.registry.models import CaseStatus
from kansli.registry.permissions import require_role

ANONYMOUS = "Anonym"
REVIEWING_ROLES = [Role.REGISTRAR, Role.SECRETARY]
MAX_REASON = 2000
NAMED_KINDS = {Kind.PROPOSAL, Kind.PETITION}
MAX_ATTACHMENTS = 5
MAX_TEXT = 20000
KEY_REUSED = (
    "Nyckeln (Idempotency-Key) har redan använts för en annan inlämning: "
    "skicka samma innehåll igen, eller en ny nyckel."
)
LABELS = {Kind.PROPOSAL: "Medborgarförslag", Kind.FEEDBACK: "Synpunkt",
          Kind.PETITION: "E-förslag"}  # fmt: skip


def neutral_text(kind: str) -> str:
    """What a submission is registered as until a registrar writes what it concerns."""
    return f"{LABELS[Kind(kind)]} via e-tjänsten"


def council_of(authority: Authority) -> bool:
    return authority.kind == Authority.Kind.COUNCIL


@transaction.atomic
def do_submit(
    kind: str,
    authority: Authority,
    title: str,
    text: str,
    *,
    name: str = "",
    contact: str = "",
    attachments: Sequence[tuple[str, bytes]] = (),
    actor: Any,
) -> Submission:
    """Register a submission as an incoming document (the citizen's text as its first
    file, then the attachments, each checked like every upload) in a new case of the
    authority. A medborgarförslag (KL 8 kap. 1 §) and an e-förslag go to fullmäktige and
    name their proposer; a synpunkt goes to any authority and may be anonymous. One
    attachment refused refuses the whole submission: nothing is saved."""
    text, name, contact = text.strip(), name.strip(), contact.strip()
    # One line: the title is the subject of the e-mails sent about it (a line break there
    # would make every signature's e-mail fail).
    title = " ".join(title.split())
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = "Välj medborgarförslag, synpunkt eller e-förslag."
    elif kind in NAMED_KINDS and not council_of(authority):
        errors["authority"] = f"Ett {LABELS[Kind(kind)].lower()} lämnas till fullmäktige."
    if not title:
        errors["title"] = "Ange en rubrik."
    if not text:
        errors["text"] = "Skriv ditt ärende."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Texten får vara högst {MAX_TEXT} tecken."
    if kind in NAMED_KINDS and not name:
        errors["name"] = "Ange ditt namn: ett förslag lämnas av en namngiven person."
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = f"Högst {MAX_ATTACHMENTS} bilagor."
    if errors:
        raise ValidationError(errors)
    label = LABELS[Kind(kind)]
    # The diary's text is the kind only, until a registrar writes it (see Submission).
    document = do_register_incoming(
        authority,
        neutral_text(kind),
        timezone.localdate(),
        name or ANONYMOUS,
        counterpart_address=contact,
        counterpart_is_private=bool(name),
        document_type=label,
        actor=actor,
    )
    body = f"{label}\n\n{title}\n\n{text}\n\nAvsändare: {name or ANONYMOUS}\n"
    do_attach_file(document, store_bytes(body.encode(), f"{kind}.txt"), f"{kind}.txt",
                   actor=actor)  # fmt: skip
    for file_name, data in attachments:
        try:
            stored = store_bytes(data, file_name)
        except ValidationError as refused:
            raise ValidationError({"attachments": f"{file_name}: {refused.messages[0]}"}) from None
        do_attach_file(document, stored, file_name, actor=actor)
    submission = Submission.objects.create(
        kind=kind, authority=authority, title=title, text=text, name=name, contact=contact,
        document=document, receipt_number=document.document_number,
        submitted_at=document.registered_at, submitted_by=actor,
    )  # fmt: skip
    after = {"kind": kind, "authority": authority.code, "attachments": len(attachments)}
    record(actor=actor, action="eservices.submit", obj=submission,
           label=submission.receipt_number, after=after)  # fmt: skip
    transaction.on_commit(lambda: mail.receipt(submission.pk))
    return submission


def _under_review(submission: Submission, actor: Any, *, published: bool = False) -> Submission:
    """The e-förslag locked for its review, by a registrar or secretary of its authority:
    one not yet reviewed or, with `published`, one published too (to be taken down)."""
    require_role(actor, submission.authority, REVIEWING_ROLES, "granska e-förslag")
    submission = (
        Submission.objects.select_for_update().select_related("document").get(pk=submission.pk)
    )
    if submission.kind != Kind.PETITION:
        raise ValidationError("Bara ett e-förslag granskas före publicering.")
    if submission.declined_at is not None or (submission.published_at and not published):
        raise ValidationError("E-förslaget är redan granskat.")
    return submission


@transaction.atomic
def do_publish_petition(submission: Submission, *, actor: Any) -> Submission:
    """Publish a checked e-förslag for signing, with the threshold in force today. One
    whose registration is voided or secrecy-marked is not published."""
    submission = _under_review(submission, actor)
    document = submission.document
    if document.voided_at is not None or document.secrecy_id is not None:
        raise ValidationError(
            "En makulerad eller sekretessmarkerad handling publiceras inte som e-förslag."
        )
    submission.published_at, submission.reviewed_by = timezone.now(), actor
    submission.threshold = settings.EFORSLAG_THRESHOLD
    submission.save(update_fields=["published_at", "reviewed_by", "threshold"])
    add_to_timeline(document.case, "petition_published",
                    "E-förslaget publicerades för underskrifter.", actor)  # fmt: skip
    record(actor=actor, action="eservices.publish_petition", obj=submission,
           label=submission.receipt_number, after={"threshold": submission.threshold})  # fmt: skip
    transaction.on_commit(lambda: mail.reviewed(submission.pk))
    return submission


@transaction.atomic
def do_decline_petition(submission: Submission, reason: str, *, actor: Any) -> Submission:
    """Decline to publish an e-förslag, or take a published one down (its text proves
    to defame someone, a person named in it objects: GDPR art. 17 and 21), with the
    reason the proposer is told. Its signatures are kept; it stays a registered document
    in its case, to be answered or closed like any other."""
    # The role first: someone without it is refused whatever they sent.
    submission = _under_review(submission, actor, published=True)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Ange varför e-förslaget inte publiceras."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Skälet får vara högst {MAX_REASON} tecken."})
    taken_down = submission.published_at is not None
    submission.declined_at, submission.reviewed_by = timezone.now(), actor
    submission.published_at, submission.decline_reason = None, reason
    submission.save(update_fields=["declined_at", "published_at", "reviewed_by",
                                   "decline_reason"])  # fmt: skip
    kind, text = (("petition_taken_down", "E-förslaget togs ned") if taken_down
                  else ("petition_declined", "E-förslaget publicerades inte"))  # fmt: skip
    add_to_timeline(submission.document.case, kind, f"{text}: {reason}", actor)
    action = "eservices.take_down_petition" if taken_down else "eservices.decline_petition"
    record(actor=actor, action=action, obj=submission, label=submission.receipt_number,
           after={"reason": reason})  # fmt: skip
    transaction.on_commit(lambda: mail.reviewed(submission.pk, taken_down=taken_down))
    return submission


def same_mailbox(email: str) -> str:
    """The address a signature is counted under: lower case, without a "+tag" after the
    local part (RFC 5233 subaddressing, which most mail services deliver to the same
    mailbox), so that per+1@ and per+2@ do not count as two people."""
    local, at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0] or local}{at}{domain}" if at else email.strip().lower()


@transaction.atomic
def do_sign_petition(submission: Submission, name: str, email: str, *, actor: Any) -> Signature:
    """Count a confirmed signature of a published e-förslag, once per mailbox. The one
    that reaches the threshold sends the e-förslag to the board, once."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.kind != Kind.PETITION:
        raise ValidationError("Bara ett e-förslag kan skrivas under.")
    if submission.published_at is None:
        raise ValidationError("E-förslaget är inte publicerat för underskrifter.")
    if submission.sent_to_board_at is not None:
        raise ValidationError("E-förslaget har redan lämnats till nämnden.")
    email = same_mailbox(email)
    if submission.signatures.filter(email=email).exists():
        raise ValidationError("Du har redan skrivit under det här e-förslaget.")
    signature = Signature.objects.create(
        submission=submission, name=name.strip(), email=email, confirmed_at=timezone.now()
    )
    count = submission.signatures.count()
    record(actor=actor, action="eservices.sign_petition", obj=signature,
           label=submission.receipt_number, after={"signatures": count})  # fmt: skip
    if submission.threshold is not None and count >= submission.threshold:
        _send_to_board(submission, count, actor)
    return signature


def _send_to_board(submission: Submission, count: int, actor: Any) -> None:
    submission.sent_to_board_at = timezone.now()
    submission.save(update_fields=["sent_to_board_at"])
    case = submission.document.case
    if case.status == CaseStatus.OPENED:
        do_change_case_status(case, CaseStatus.IN_PROGRESS, actor=actor)
    text = (f"E-förslaget nådde {count} underskrifter och lämnades till "
            f"{submission.authority.name}.")  # fmt: skip
    add_to_timeline(case, "petition_sent", text, actor)
    record(actor=actor, action="eservices.send_petition", obj=submission,
           label=submission.receipt_number,
           after={"signatures": count, "status": case.status})  # fmt: skip
    transaction.on_commit(lambda: mail.petition_sent(submission.pk))


@transaction.atomic
def do_submit_once(
    key: str,
    body_sha256: str,
    answer: Callable[[Submission], dict[str, Any]],
    *,
    actor: Any,
    **submission: Any,
) -> tuple[int, dict[str, Any]]:
    """A submission from an external platform under its Idempotency-Key: the first
    time it is registered and its answer (201 and `answer(submission)`) kept; a retry
    with the same key and body gets that answer again and registers nothing. Retries
    that arrive at once queue on the key's row (unique per caller): one registers, the
    others wait and then read its answer. The same key with another body is refused."""
    record, created = IdempotencyRecord.objects.select_for_update().get_or_create(
        user=actor, key=key, defaults={"body_sha256": body_sha256}
    )
    if record.body_sha256 != body_sha256:
        raise ValidationError({"Idempotency-Key": KEY_REUSED})
    if not created:  # committed with its answer, or it would not be there
        return record.status or 201, record.answer or {}
    registered = do_submit(actor=actor, **submission)
    record.status, record.answer = 201, answer(registered)
    record.save(update_fields=["status", "answer"])
    return record.status, record.answer
