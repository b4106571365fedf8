"""Delivering copies of public documents (utlämnande, TF 2 kap. 15–16 §§): by e-mail,
by a download link that expires, or marked as sent by post, with the fee shown before
sending and recorded. Only what the review disclosed leaves Kansli: a document disclosed
whole or with conditions as it is, a document disclosed with redaction only as its
verified redacted copy, nothing of a refused one."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kansli.access.rules import may_read
from kansli.audit.chain import record
from kansli.audit.models import AuditEvent
from kansli.files.download import handed_on
from kansli.files.store import store_bytes
from kansli.registry.actions import add_to_timeline, do_attach_file, do_register_document
from kansli.registry.models import Direction, DocumentFile
from kansli.registry.models.files import current_files
from kansli.registry.permissions import require_registering
from kansli.registry.secrecy import Marking, case_markings, marking_of
from kansli.requests.fees import fee_for
from kansli.requests.models import (
    AccessRequest,
    Delivery,
    DeliveryMethod,
    RequestedItem,
    Review,
)
from kansli.requests.pdf import delivery_pdf

log = logging.getLogger(__name__)

SALT = "kansli.requests.delivery"
DOWNLOAD = "requests.download"  # the audit action of a link's first download of a file
DESCRIPTION = "Utlämnande av allmän handling"
MAX_REASON = 500
# What the authority answers without delivering: a refusal, or a referral to the
# authority that must review the document (OSL 6 kap. 4 §).
ANSWERED_WITHOUT_DELIVERY = {Review.REFUSE, Review.REFERRED}


@dataclass
class Preview:
    """What a delivery would send, and its pages and fee, for the officer to confirm."""

    files: list[DocumentFile]
    pages: int
    fee: Decimal


def item_files(item: RequestedItem) -> list[DocumentFile]:
    """The files an item delivers; ValidationError if it may not be delivered now."""
    label = str(item)
    if item.review == Review.PENDING:
        raise ValidationError(f"{label} är inte prövad och kan inte lämnas ut.")
    if item.review in ANSWERED_WITHOUT_DELIVERY:
        return []
    if item.review == Review.REDACT:
        return _redacted_files(item)
    if item.document is None:
        raise ValidationError(f"{label} är inte kopplad till en registrerad handling.")
    return current_files(item.document.files.all())


def _redacted_files(item: RequestedItem) -> list[DocumentFile]:
    """A redacted item's copy, only when every file of it is the result of a redaction
    whose check found none of the marked text (OSL 6 kap. 3 §: the withheld part must
    not leave the authority)."""
    files = current_files(item.redacted.files.all()) if item.redacted else []
    verified = set(item.redactions.filter(verified=True).values_list("result_id", flat=True))
    if not files or any(f.stored_id not in verified for f in files):
        raise ValidationError(
            f"{item} ska lämnas ut maskerad, men det finns ingen maskerad kopia som "
            "kontrollerats. Maskera handlingen och låt kontrollen bli klar först."
        )
    return files


def require_readable(actor: Any, items: Iterable[RequestedItem]) -> None:
    """Who delivers sends the documents themselves, so only one who may read each of
    them: a document disclosed to this requester (OSL 12 kap. 1 §, 10 kap.) stays secret
    to colleagues outside its group. A redacted copy is open; its original is not sent."""
    for item in items:
        whole = item.review in {Review.DISCLOSE, Review.CONDITIONS}
        if whole and item.document is not None and not may_read(actor, item.document):
            raise PermissionDenied(f"Du får inte läsa {item} och kan därför inte lämna ut den.")


def _sent_markings(items: Iterable[RequestedItem]) -> list[Marking]:
    """The markings of the documents sent whole: the cover letter names their files and
    conditions, and a document disclosed to the one it concerns stays secret to the
    rest of the staff (kansli.registry.secrecy: what is drawn up carries its sources')."""
    whole = [i.document for i in items if i.review in {Review.DISCLOSE, Review.CONDITIONS}]
    return [m for m in map(marking_of, filter(None, whole)) if m is not None]


def _fresh(
    request: AccessRequest, items: Sequence[RequestedItem], *, lock: bool = False
) -> list[RequestedItem]:
    """The items as stored now; with `lock`, locked until the delivery is committed
    (only inside the action's transaction: the preview shown before it locks nothing)."""
    if not items:
        raise ValidationError("Välj minst en handling att lämna ut.")
    pks = {item.pk for item in items}
    rows = request.items.filter(pk__in=pks).select_related("document", "redacted")
    found = list(rows.select_for_update(of=("self",)) if lock else rows)
    if len(found) != len(pks):
        raise ValidationError("Handlingarna ska höra till begäran.")
    return found


def preview(request: AccessRequest, items: Sequence[RequestedItem]) -> Preview:
    """The files, pages and fee of delivering `items` of `request`."""
    return _priced(request, _fresh(request, items))


def _priced(request: AccessRequest, items: Sequence[RequestedItem]) -> Preview:
    files = [f for item in items for f in item_files(item)]
    if not files:
        raise ValidationError("Inget av det valda ska lämnas ut.")
    pages, fee = fee_for(request.authority.municipality, [f.stored for f in files])
    return Preview(files, pages, fee)


def link_token(delivery: Delivery, files: Iterable[DocumentFile]) -> str:
    """A signed token naming the delivery and exactly the files it sent."""
    return signing.dumps({"d": delivery.pk, "f": [f.pk for f in files]}, salt=SALT)


def opened_link(token: str) -> tuple[Delivery, list[DocumentFile]] | None:
    """The delivery and files of a link, or None if the token is tampered with, the
    delivery is not a link or the link has expired or been withdrawn."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    delivery = Delivery.objects.filter(pk=data.get("d"), method=DeliveryMethod.LINK).first()
    if delivery is None or delivery.link_expires_at is None or delivery.link_revoked_at:
        return None
    if delivery.link_expires_at <= timezone.now():
        return None
    files = list(DocumentFile.objects.filter(pk__in=data.get("f", [])).select_related("stored"))
    return delivery, files


def _address(request: AccessRequest, method: str, address: str) -> str:
    address = address.strip() or request.contact
    if method == DeliveryMethod.POST and not address:
        raise ValidationError({"address": "Ange adressen som kopiorna skickas till."})
    if method == DeliveryMethod.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"address": "Ange en giltig e-postadress att skicka kopiorna till."}
            ) from None
    return address


def mark_answered(request: AccessRequest) -> None:
    """Set when the request was answered, once every item has had its answer: delivered,
    refused or referred."""
    if request.answered_at is not None:
        return
    delivered = set(
        RequestedItem.objects.filter(request=request, deliveries__isnull=False).values_list(
            "pk", flat=True
        )
    )
    items = list(request.items.all())
    if all(i.pk in delivered or i.review in ANSWERED_WITHOUT_DELIVERY for i in items):
        request.answered_at = timezone.now()
        request.save(update_fields=["answered_at"])


def _mail(request: AccessRequest, delivery: Delivery, preview: Preview, link: str) -> None:
    """E-mail the copies or the link, once the delivery is committed (as the meetings'
    dispatch does): a slow or hung mail server must not hold the action's transaction
    and the audit chain from everyone else. A failure is logged by the delivery's id,
    never the address: an anonymous requester's address is kept in no log."""
    items = list(delivery.items.all())
    text = render_to_string(
        "requests/mail/delivery.txt",
        {
            "request": request,
            "delivery": delivery,
            "conditions": [i for i in items if i.review == Review.CONDITIONS],
            # Redacted is refused in part: told of the written decision too (OSL 6 kap. 7 §).
            "refused": request.withholds(),
            "link": link,
        },
    )
    subject = f"{DESCRIPTION}, dnr {request.case.case_number}"
    message = EmailMessage(subject, text, None, [delivery.address])
    try:
        if delivery.method == DeliveryMethod.EMAIL:
            for document_file in preview.files:
                message.attach(
                    document_file.name,
                    handed_on(document_file.stored),  # ValidationError: not in time
                    document_file.stored.content_type,
                )
        message.send()
    except (OSError, ValidationError) as error:
        log.error("could not e-mail delivery %s: %s", delivery.pk, type(error).__name__)


def is_email(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


@transaction.atomic
def do_deliver(
    request: AccessRequest,
    items: Sequence[RequestedItem],
    method: str,
    *,
    address: str = "",
    fee_shown: Decimal | None = None,
    actor: Any,
) -> tuple[Delivery, str]:
    """Deliver the disclosed items: register the delivery in the request's case as an
    outgoing document listing what was sent, and send it. Returns the delivery and, for
    a link, the link (e-mailed too when the address is an e-mail address). `fee_shown`
    is the fee the officer confirmed: if the files changed since, nothing is sent."""
    require_registering(actor, request.authority)
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": "Välj e-post, länk eller post."})
    address = _address(request, method, address)
    items = _fresh(request, items, lock=True)
    require_readable(actor, items)
    shown = _priced(request, items)
    if fee_shown is not None and fee_shown != shown.fee:
        raise ValidationError(
            f"Avgiften är nu {shown.fee} kr, inte {fee_shown} kr: se över utlämnandet igen."
        )
    now = timezone.now()
    expires = None
    if method == DeliveryMethod.LINK:
        expires = now + datetime.timedelta(days=settings.DELIVERY_LINK_DAYS)
    delivery = Delivery.objects.create(
        request=request,
        method=method,
        address=address,
        pages=shown.pages,
        fee=shown.fee,
        sent_at=now,
        sent_by=actor,
        link_expires_at=expires,
    )
    delivery.items.set(items)
    # Rendered before the first audit event below takes the chain (LAYERS: never while
    # an action holds it; WeasyPrint takes about a second).
    cover = delivery_pdf(delivery, items, shown.files)
    # By number only: an item without a document is the requester's own words, which
    # would reach the public e-diary as the outgoing document's description.
    numbers = ", ".join(
        item.document.document_number if item.document else "beskriven handling" for item in items
    )
    case = request.case
    document = do_register_document(
        case,
        Direction.OUTGOING,
        timezone.localdate(now),
        f"{DESCRIPTION}: {numbers}",
        counterpart=request.name or "Anonym",
        counterpart_is_private=bool(request.name),
        document_type=DESCRIPTION,
        inherited=case_markings(case) + _sent_markings(items),
        actor=actor,
    )
    do_attach_file(document, store_bytes(cover, "foljebrev.pdf"), "Följebrev.pdf", actor=actor)
    link = ""
    if method == DeliveryMethod.LINK:
        token = link_token(delivery, shown.files)
        link = settings.SITE_URL + reverse("requests:download", args=[token])
    add_to_timeline(
        case,
        "delivery",
        f"Kopior av {numbers} lämnades ut ({delivery.get_method_display()}, "
        f"{shown.pages} sidor, avgift {shown.fee} kr), handling {document.number}.",
        actor,
    )
    record(
        actor=actor,
        action="requests.deliver",
        obj=delivery,
        label=case.case_number,
        after={
            "method": method,
            "items": [i.pk for i in items],
            "pages": shown.pages,
            "fee": str(shown.fee),
            "document": document.pk,
            "files": [f.stored.sha256 for f in shown.files],
        },
    )
    mark_answered(request)
    if method == DeliveryMethod.EMAIL or (method == DeliveryMethod.LINK and is_email(address)):
        transaction.on_commit(lambda: _mail(request, delivery, shown, link))
    return delivery, link


@transaction.atomic
def do_revoke_link(delivery: Delivery, reason: str, *, actor: Any) -> Delivery:
    """Withdraw a delivery's download link before it expires, with the reason (kept in
    the audit event and the case's timeline): the link and each file behind it answer
    as for anything missing from then on. Whoever may deliver for the authority may."""
    request = delivery.request
    require_registering(actor, request.authority)  # first: refused whatever was sent
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Ange varför länken dras tillbaka."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Skälet får vara högst {MAX_REASON} tecken."})
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.method != DeliveryMethod.LINK:
        raise ValidationError("Bara en länk kan dras tillbaka.")
    if delivery.link_revoked_at is not None:
        raise ValidationError("Länken är redan tillbakadragen.")
    delivery.link_revoked_at, delivery.link_revoked_by = timezone.now(), actor
    delivery.save(update_fields=["link_revoked_at", "link_revoked_by"])
    add_to_timeline(request.case, "delivery_link_revoked",
                    f"Länken till kopiorna drogs tillbaka: {reason}", actor)  # fmt: skip
    record(actor=actor, action="requests.revoke_link", obj=delivery,
           label=request.case.case_number,
           after={"reason": reason, "downloads": delivery.downloads})  # fmt: skip
    return delivery


@transaction.atomic
def do_count_download(delivery: Delivery, document_file: DocumentFile, *, actor: Any) -> None:
    """Count one download through a delivery's link. Nothing about who fetched it is
    kept (TF 2 kap. 18 §): the event names the delivery and the file only. The first
    download of each file is an audit event (that the copy left Kansli); later ones are
    only counted: the link is public, and a client fetching in a loop must not grow the
    audit chain without end or hold its lock from everyone else's actions."""
    Delivery.objects.filter(pk=delivery.pk).update(downloads=F("downloads") + 1)
    fetched = AuditEvent.objects.filter(
        action=DOWNLOAD, object_type=Delivery._meta.label_lower, object_id=str(delivery.pk)
    )
    if fetched.filter(after__file=document_file.pk).exists():
        return
    record(
        actor=actor,
        action=DOWNLOAD,
        obj=delivery,
        label=delivery.request.case.case_number,
        after={"file": document_file.pk, "sha256": document_file.stored.sha256},
    )
