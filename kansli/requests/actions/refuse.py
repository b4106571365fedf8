"""Refusing to disclose (avslag, OSL 6 kap. 7 §): the requester is told they may ask
for the authority's written decision; the decision is taken by the delegate the
delegation order names for it (point settings.ACCESS_REQUEST_POINT), or a substitute,
made as a PDF with the reasons, the provisions and how to appeal, registered in the
request's case and sent."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.store import store_bytes
from kansli.inputs import unstorable
from kansli.meetings.models import DelegatedDecision, DelegationPoint
from kansli.org.models import Authority
from kansli.registry.actions import add_to_timeline, do_attach_file, do_register_document
from kansli.registry.models import Direction
from kansli.registry.permissions import require_registering
from kansli.registry.secrecy import case_markings
from kansli.requests.actions.deliver import is_email, mark_answered
from kansli.requests.models import WITHHELD, AccessRequest, Refusal, RequestedItem, Review
from kansli.requests.pdf import refusal_pdf

log = logging.getLogger(__name__)

DESCRIPTION = "Beslut om avslag på begäran om allmän handling"
# Conditions (förbehåll, OSL 10 kap. 14 §) limit the disclosure: the requester may have
# a written decision on them too, and appeal it (OSL 6 kap. 7–8 §§).
REFUSABLE = WITHHELD | {Review.CONDITIONS}


def refusal_point(authority: Authority) -> DelegationPoint | None:
    """The authority's delegation point for refusing to disclose."""
    return DelegationPoint.objects.filter(
        authority=authority, code=settings.ACCESS_REQUEST_POINT
    ).first()


def require_delegate(actor: Any, authority: Authority) -> DelegationPoint:
    """The point, if the actor is its delegate or one of its substitutes; refused with
    the names of who may decide otherwise (KL 6 kap. 37 §, 7 kap. 5 §)."""
    point = refusal_point(authority)
    if point is None:
        raise PermissionDenied(
            f"Delegationsordningen för {authority.code} har ingen punkt "
            f"{settings.ACCESS_REQUEST_POINT} för beslut att inte lämna ut allmän handling."
        )
    delegates = [d.user for d in point.delegates.select_related("user")]
    if actor is None or actor.pk not in {u.pk for u in delegates}:
        names = ", ".join(u.get_full_name() or u.username for u in delegates) or point.delegate
        raise PermissionDenied(
            f"Bara delegaten enligt punkt {point.code} i delegationsordningen får besluta "
            f"om avslag (i tur och ordning): {names}."
        )
    return point


def _require_in_order(point: DelegationPoint, actor: Any, substitute_for: Any) -> None:
    """A substitute decides only in the place of a delegate before them, named
    (ersättare i tur och ordning, KL 6 kap. 37 §, 7 kap. 5 §)."""
    ranks = {d.user_id: d.rank for d in point.delegates.all()}
    rank = ranks[actor.pk]
    if rank == 1 and substitute_for is None:
        return
    if substitute_for is None or ranks.get(substitute_for.pk, rank) >= rank:
        raise ValidationError(
            {
                "substitute_for": f"{actor.get_full_name() or actor.username} är ersättare enligt "
                f"punkt {point.code}: ange vilken delegat före hen som inte kunde besluta."
            }
        )


@transaction.atomic
def do_ask_for_decision(request: AccessRequest, *, actor: Any) -> AccessRequest:
    """Record that the requester asked for the authority's written decision on what was
    not disclosed (OSL 6 kap. 7 §)."""
    require_registering(actor, request.authority)
    if not request.items.filter(review__in=REFUSABLE).exists():
        raise ValidationError("Inget i begäran har vägrats, så det finns inget att besluta om.")
    if request.decision_asked_at is not None:
        raise ValidationError("Det är redan antecknat att ett skriftligt beslut begärts.")
    request.decision_asked_at = timezone.now()
    request.save(update_fields=["decision_asked_at"])
    add_to_timeline(
        request.case, "decision_asked", "Sökanden begärde ett skriftligt beslut.", actor
    )
    record(
        actor=actor, action="requests.ask_for_decision", obj=request, label=request.case.case_number
    )
    return request


def _send(refusal: Refusal, request: AccessRequest, pdf: bytes) -> None:
    """E-mail the decision, once it is committed (a slow mail server must not hold the
    action's transaction and the audit chain); a failure is logged by the refusal's id,
    never the requester's address."""
    text = (
        f"Här är beslutet om din begäran att ta del av allmänna handlingar "
        f"(dnr {request.case.case_number}). Hur du överklagar står sist i beslutet.\n\n"
        f"Med vänliga hälsningar\n{request.authority.name}\n"
    )
    message = EmailMessage(f"Beslut, dnr {request.case.case_number}", text, None, [request.contact])
    message.attach(f"Beslut {refusal.document.document_number}.pdf", pdf, "application/pdf")
    try:
        message.send()
    except OSError as error:
        log.error("could not e-mail refusal %s: %s", refusal.pk, type(error).__name__)


@transaction.atomic
def do_refuse(
    request: AccessRequest,
    items: Sequence[RequestedItem],
    reasons: str,
    *,
    substitute_for: Any = None,
    actor: Any,
) -> Refusal:
    """The written decision to refuse `items` (refused whole, or in part where they are
    disclosed with redaction), by the delegate. Registered as an outgoing document of the
    request's case with its PDF and sent: by e-mail when the contact is an e-mail address
    (sent_at set), otherwise left for the registrar to send by post. A substitute names
    the delegate in whose place they decide (`substitute_for`)."""
    point = require_delegate(actor, request.authority)
    _require_in_order(point, actor, substitute_for)
    reasons = reasons.strip()
    errors: dict[str, str] = {}
    if not items:
        errors["items"] = "Välj de handlingar beslutet gäller."
    elif any(i.request_id != request.pk or i.review not in REFUSABLE for i in items):
        errors["items"] = (
            "Beslutet kan bara gälla handlingar i begäran som vägrats, maskerats eller "
            "lämnats ut med förbehåll."
        )
    if not reasons:
        errors["reasons"] = "Skriv skälen för beslutet (förvaltningslagen 32 §)."
    elif len(reasons) > 5000 or unstorable(reasons):
        errors["reasons"] = "Skälen får vara högst 5000 tecken, utan tecken som inte kan sparas."
    # The decision shows who took it (FL 31 §), by name: never by a username.
    unnamed = [u.username for u in (actor, substitute_for) if u and not u.get_full_name()]
    if unnamed:
        errors["decided_by"] = (
            "Beslutet ska visa vem som fattat det (förvaltningslagen 31 §): lägg in för- och "
            f"efternamn för {', '.join(unnamed)}."
        )
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    pdf = refusal_pdf(
        request,
        items,
        reasons,
        point=point,
        decided_by=actor,
        decided_on=today,
        substitute_for=substitute_for,
    )
    case = request.case
    document = do_register_document(
        case,
        Direction.OUTGOING,
        today,
        DESCRIPTION,
        counterpart=request.name or "Anonym",
        counterpart_is_private=bool(request.name),
        document_type="Beslut",
        inherited=case_markings(case),
        actor=actor,
    )
    do_attach_file(
        document, store_bytes(pdf, "beslut.pdf"), f"Beslut {document.number}.pdf", actor=actor
    )
    refusal = Refusal.objects.create(
        request=request,
        point=point,
        decided_by=actor,
        decided_on=today,
        reasons=reasons,
        document=document,
    )
    refusal.items.set(items)
    # A decision under delegation is reported to the board (KL 6 kap. 40 §): on the list
    # of delegated decisions of its next meeting, like every other.
    DelegatedDecision.objects.create(
        point=point, document=document, decided_on=today, decided_by=actor,
        substitute_for=substitute_for, registered_by=actor,
        summary=f"Avslag på begäran om allmän handling, {case.case_number}",
    )  # fmt: skip
    add_to_timeline(
        case,
        "refusal",
        f"Beslut om avslag enligt delegationspunkt {point.code}, handling {document.number}.",
        actor,
    )
    record(
        actor=actor,
        action="requests.refuse",
        obj=refusal,
        label=case.case_number,
        after={
            "items": [i.pk for i in items],
            "point": point.code,
            "document": document.pk,
            "substitute_for": str(substitute_for or ""),
        },
    )
    if is_email(request.contact):  # else it goes by post: do_mark_refusal_sent
        refusal.sent_at = timezone.now()
        refusal.save(update_fields=["sent_at"])
        transaction.on_commit(lambda: _send(refusal, request, pdf))
    mark_answered(request)
    return refusal


@transaction.atomic
def do_mark_refusal_sent(refusal: Refusal, *, actor: Any) -> Refusal:
    """Record that a decision for post was sent today: the appeal period is reckoned from
    the sending (FL 44 §), so until then no appeal can be late."""
    require_registering(actor, refusal.request.authority)
    if refusal.sent_at is not None:
        raise ValidationError("Beslutet är redan skickat.")
    refusal.sent_at = timezone.now()
    refusal.save(update_fields=["sent_at"])
    add_to_timeline(
        refusal.request.case,
        "refusal",
        f"Beslutet {refusal.document.document_number} skickades med post.",
        actor,
    )
    record(
        actor=actor,
        action="requests.mark_refusal_sent",
        obj=refusal,
        label=refusal.request.case.case_number,
    )
    return refusal
