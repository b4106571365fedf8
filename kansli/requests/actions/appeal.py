"""An appeal of a refusal (överklagande): registered in the request's case, judged in
time or late (FL 44–45 §§), reconsidered by the authority (FL 39 §) and forwarded with
the file to the kammarrätt unless the decision was changed as asked (FL 46 §)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.models import StoredFile
from kansli.inputs import unstorable
from kansli.registry.actions import add_to_timeline, do_attach_file, do_register_document
from kansli.registry.models import Direction
from kansli.registry.permissions import require_registering
from kansli.registry.secrecy import case_markings
from kansli.requests.actions.deliver import is_email
from kansli.requests.actions.refuse import require_delegate
from kansli.requests.models import Appeal, Refusal
from kansli.requests.pdf import kammarratt_of
from kansli.workdays.calendar import legal_deadline


def appeal_ends(refusal: Refusal) -> datetime.date | None:
    """The last day an appeal may come in: three weeks from the day the requester was
    told of the decision (FL 44 §), taken as the day it was sent, moved past a day off
    (lag 1930:173). None while a decision for post is not yet sent. For a decision by
    post this is only the earliest the period can end: it runs from the day the letter
    reached the requester, which Kansli cannot know (see do_register_appeal)."""
    if refusal.sent_at is None:
        return None
    return legal_deadline(timezone.localdate(refusal.sent_at), weeks=3)


@transaction.atomic
def do_register_appeal(
    refusal: Refusal,
    received_on: datetime.date,
    *,
    file: StoredFile | None = None,
    actor: Any,
) -> Appeal:
    """Register the appeal as an incoming document of the request's case. One that came
    in after the period is late: the authority rejects it (avvisar, FL 45 §)."""
    request = refusal.request
    require_registering(actor, request.authority)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "Datumet kan inte ligga i framtiden."})
    if received_on < refusal.decided_on:
        raise ValidationError({"received_on": "Överklagandet kan inte ha kommit före beslutet."})
    ends = appeal_ends(refusal)
    past = ends is not None and received_on > ends
    # By e-mail the requester got the decision the day it was sent. By post the period
    # runs from the day the letter arrived (FL 44 §), which Kansli cannot know, and an
    # appeal is rejected as late only when the authority can show it came in late (FL
    # 45 §): so one of a decision by post is not judged late by the day of sending alone;
    # the timeline asks the registrar to check it.
    by_post = not is_email(request.contact)
    late = past and not by_post
    document = do_register_document(
        request.case,
        Direction.INCOMING,
        received_on,
        f"Överklagande av beslut {refusal.document.document_number}",
        counterpart=request.name or "Anonym",
        counterpart_is_private=bool(request.name),
        document_type="Överklagande",
        inherited=case_markings(request.case),
        actor=actor,
    )
    if file is not None:
        do_attach_file(document, file, "overklagande", actor=actor)
    appeal = Appeal.objects.create(
        refusal=refusal, document=document, received_on=received_on, late=late
    )
    text = f"Överklagande kom in ({document.number})."
    if late:
        text += " Det kom in för sent och ska avvisas (förvaltningslagen 45 §)."
    elif past:
        text += (
            " Beslutet skickades med post för mer än tre veckor sedan: pröva om sökanden "
            "fick det så sent att överklagandet ändå kom in i tid (förvaltningslagen 44–45 §§)."
        )
    add_to_timeline(request.case, "appeal", text, actor)
    record(
        actor=actor,
        action="requests.register_appeal",
        obj=appeal,
        label=request.case.case_number,
        after={"refusal": refusal.pk, "received_on": received_on.isoformat(), "late": late},
    )
    return appeal


@transaction.atomic
def do_reconsider(appeal: Appeal, changed: bool, text: str, *, actor: Any) -> Appeal:
    """The authority's reconsideration of its decision (omprövning, FL 39 §), by the
    delegate who may decide refusals: whether it changes the decision as asked, and why."""
    request = appeal.refusal.request
    require_delegate(actor, request.authority)
    text = text.strip()
    if not text or len(text) > 5000 or unstorable(text):
        raise ValidationError({"text": "Skriv omprövningen, högst 5000 tecken."})
    if appeal.forwarded_at is not None:
        raise ValidationError("Överklagandet är redan överlämnat till kammarrätten.")
    before = {"changed": appeal.changed, "reconsideration": bool(appeal.reconsideration)}
    appeal.changed, appeal.reconsideration = changed, text
    appeal.save(update_fields=["changed", "reconsideration"])
    outcome = "ändrades som överklagandet begär" if changed else "ändrades inte"
    add_to_timeline(request.case, "appeal", f"Beslutet omprövades och {outcome}.", actor)
    record(
        actor=actor,
        action="requests.reconsider",
        obj=appeal,
        label=request.case.case_number,
        before=before,
        after={"changed": changed, "reconsideration": True},
    )
    return appeal


@transaction.atomic
def do_forward_appeal(appeal: Appeal, *, actor: Any) -> Appeal:
    """Forward the appeal with the file to the kammarrätt (FL 46 §), after the
    reconsideration: not when it came in late (it is rejected, FL 45 §) nor when the
    decision was changed as asked (the appeal then lapses)."""
    request = appeal.refusal.request
    require_registering(actor, request.authority)
    if appeal.forwarded_at is not None:
        raise ValidationError("Överklagandet är redan överlämnat till kammarrätten.")
    if appeal.late:
        raise ValidationError(
            "Överklagandet kom in för sent och ska avvisas, inte överlämnas "
            "(förvaltningslagen 45 §)."
        )
    if not appeal.reconsideration:
        raise ValidationError("Ompröva beslutet först (förvaltningslagen 39 §).")
    if appeal.changed:
        raise ValidationError(
            "Beslutet ändrades som överklagandet begär, så det förfaller (förvaltningslagen 46 §)."
        )
    court = kammarratt_of(request.authority.municipality)
    appeal.forwarded_at, appeal.forwarded_by = timezone.now(), actor
    appeal.save(update_fields=["forwarded_at", "forwarded_by"])
    document = do_register_document(
        request.case,
        Direction.OUTGOING,
        timezone.localdate(),
        f"Överlämnande av överklagande {appeal.document.document_number} med akten",
        counterpart=court[:1].upper() + court[1:],
        document_type="Överlämnande",
        inherited=case_markings(request.case),
        actor=actor,
    )
    add_to_timeline(
        request.case,
        "appeal",
        f"Överklagandet överlämnades till {court} ({document.number}).",
        actor,
    )
    record(
        actor=actor,
        action="requests.forward_appeal",
        obj=appeal,
        label=request.case.case_number,
        after={"document": document.pk},
    )
    return appeal
