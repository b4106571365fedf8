"""Taking in a request for public documents (begäran om allmän handling) and keeping
its list of documents. Anyone may ask, in any way, and need not say who they are or why
(TF 2 kap. 15 och 18 §§): from the public web form the request is registered by the
system (actor None) with nothing that identifies the sender; staff register what came by
phone, at the counter, by letter or by e-mail to the registrar's inbox. Each request is
its own case, the request itself its first incoming document."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.inputs import FIRST_DAY, unstorable
from kansli.org.models import Authority
from kansli.registry.actions import (
    add_to_timeline,
    do_register_case,
    do_register_document,
    do_register_from_inbox,
)
from kansli.registry.models import Case, Direction, Document, InboxItem
from kansli.registry.permissions import require_registering
from kansli.requests.models import AccessRequest, Channel, RequestedItem, Review

TITLE = "Begäran om allmän handling"
ANONYMOUS = "Anonym"
DOCUMENT_DESCRIPTION = "Begäran om att ta del av allmänna handlingar"
STAFF_CHANNELS = {Channel.PHONE, Channel.COUNTER, Channel.LETTER, Channel.EMAIL}


def _text(errors: dict[str, str], field: str, value: str, limit: int, what: str) -> str:
    value = value.strip()
    if unstorable(value):
        errors[field] = "Texten innehåller ett tecken som inte kan sparas."
    elif len(value) > limit:
        errors[field] = f"{what} får vara högst {limit} tecken."
    return value


def _checked_items(
    authority: Authority, documents: Iterable[Document], descriptions: Iterable[str],
    errors: dict[str, str],
) -> tuple[list[Document], list[str]]:  # fmt: skip
    found = list(documents)
    if any(document.case.authority_id != authority.pk for document in found):
        errors["documents"] = f"Handlingarna ska vara registrerade hos {authority.code}."
    texts = [_text(errors, "descriptions", text, 500, "En handlings beskrivning")
             for text in descriptions]  # fmt: skip
    return found, [text for text in texts if text]


def _open(
    authority: Authority, description: str, *, channel: str, name: str, contact: str,
    documents: Iterable[Document], descriptions: Iterable[str],
    received_at: datetime.datetime | None, actor: Any,
) -> tuple[AccessRequest, dict[str, Any]]:  # fmt: skip
    """Check the input and open the case and the request, without its document."""
    require_registering(actor, authority)
    errors: dict[str, str] = {}
    description = _text(errors, "description", description, 5000, "Beskrivningen")
    if not description and "description" not in errors:
        errors["description"] = "Beskriv vilka handlingar som begärs."
    name = _text(errors, "name", name, 200, "Namnet")
    contact = _text(errors, "contact", contact, 300, "Kontaktuppgiften")
    if channel not in Channel.values:
        errors["channel"] = "Välj hur begäran kom in."
    elif actor is not None and channel not in STAFF_CHANNELS:
        errors["channel"] = "Välj telefon, besök, brev eller e-post."
    now = timezone.now()
    received_at = received_at or now
    if timezone.is_naive(received_at):  # a time without a zone is the municipality's
        received_at = timezone.make_aware(received_at)
    if received_at > now:
        errors["received_at"] = "Tiden kan inte ligga i framtiden."
    elif received_at.year < FIRST_DAY.year:
        errors["received_at"] = "Ange en tid efter år 1900."
    found, texts = _checked_items(authority, documents, descriptions, errors)
    if errors:
        raise ValidationError(errors)
    case = do_register_case(authority, TITLE, opened_at=received_at, actor=actor)
    request = AccessRequest.objects.create(
        authority=authority, case=case, channel=channel, received_at=received_at,
        received_by=actor, name=name, contact=contact, description=description,
    )  # fmt: skip
    for document in found:
        RequestedItem.objects.create(request=request, document=document)
    for text in texts or ([] if found else [description[:500]]):
        RequestedItem.objects.create(request=request, description=text)
    counterpart = {
        "counterpart": name or ANONYMOUS,
        "counterpart_address": contact,
        "counterpart_is_private": bool(name),
    }
    return request, counterpart


def _recorded(request: AccessRequest, actor: Any) -> AccessRequest:
    add_to_timeline(
        request.case, "request",
        f"Begäran om allmän handling togs emot ({request.get_channel_display()}).", actor,
    )  # fmt: skip
    # The audit event holds no name or contact: the requester need not be known.
    record(
        actor=actor, action="requests.register_request", obj=request,
        label=request.case.case_number,
        after={"channel": request.channel, "items": request.items.count(),
               "named": bool(request.name)},
    )  # fmt: skip
    return request


@transaction.atomic
def do_register_request(
    authority: Authority,
    description: str,
    *,
    channel: str,
    name: str = "",
    contact: str = "",
    documents: Iterable[Document] = (),
    descriptions: Iterable[str] = (),
    received_at: datetime.datetime | None = None,
    actor: Any,
) -> AccessRequest:
    """Register a request in a case of its own: the request as an incoming document
    (sender the name given, else "Anonym"; a private person's name is flagged) and one
    item per document or description asked for (the description itself when neither is
    given). From the web form actor is None; staff must register for the authority."""
    request, counterpart = _open(
        authority, description, channel=channel, name=name, contact=contact,
        documents=documents, descriptions=descriptions, received_at=received_at,
        actor=actor,
    )  # fmt: skip
    do_register_document(
        request.case, Direction.INCOMING, timezone.localdate(request.received_at),
        DOCUMENT_DESCRIPTION, actor=actor, **counterpart,
    )  # fmt: skip
    return _recorded(request, actor)


@transaction.atomic
def do_register_request_from_inbox(
    item: InboxItem,
    description: str,
    *,
    name: str = "",
    contact: str = "",
    documents: Iterable[Document] = (),
    descriptions: Iterable[str] = (),
    actor: Any,
) -> AccessRequest:
    """Turn an e-mail in the registrar's inbox into a request: the e-mail, with its
    attachments, is registered as the request's document in the request's case."""
    if item.document_id is not None:
        raise ValidationError("Posten är redan registrerad.")
    request, counterpart = _open(
        item.authority, description, channel=Channel.EMAIL, name=name,
        contact=contact or item.sender, documents=documents, descriptions=descriptions,
        received_at=item.sent_at if item.sent_at and item.sent_at < item.received_at
        else item.received_at, actor=actor,
    )  # fmt: skip
    do_register_from_inbox(
        item, request.case, document_date=timezone.localdate(request.received_at),
        description=DOCUMENT_DESCRIPTION, actor=actor, **counterpart,
    )  # fmt: skip
    return _recorded(request, actor)


def _require_open(item: RequestedItem) -> None:
    if item.request.answered_at is not None:
        raise ValidationError("Begäran är redan besvarad.")


@transaction.atomic
def do_add_item(
    request: AccessRequest,
    *,
    document: Document | None = None,
    description: str = "",
    actor: Any,
) -> RequestedItem:
    """Add a document asked for later (the requester asked for more, or said more)."""
    require_registering(actor, request.authority)
    errors: dict[str, str] = {}
    found, texts = _checked_items(
        request.authority, [document] if document else [], [description], errors
    )
    if not found and not texts and not errors:
        errors["description"] = "Ange en handling eller beskriv den."
    if errors:
        raise ValidationError(errors)
    if request.answered_at is not None:
        raise ValidationError("Begäran är redan besvarad.")
    item = RequestedItem.objects.create(
        request=request, document=document, description="" if found else texts[0]
    )
    what = document.document_number if document else "en handling beskriven i fritext"
    add_to_timeline(request.case, "request_item", f"Begärd handling lades till: {what}.", actor)
    record(actor=actor, action="requests.add_item", obj=item, label=request.case.case_number,
           after={"document": document.pk if document else None})  # fmt: skip
    return item


@transaction.atomic
def do_link_item(item: RequestedItem, document: Document, *, actor: Any) -> RequestedItem:
    """Link an item described in free text to the registered document once found (the
    requester's words are kept beside it)."""
    require_registering(actor, item.request.authority)
    _require_open(item)
    if document.case.authority_id != item.request.authority_id:
        raise ValidationError(
            {"document": f"Handlingen ska vara registrerad hos {item.request.authority.code}."}
        )
    if item.review != Review.PENDING:
        raise ValidationError("Handlingen är redan prövad.")
    before = item.document_id
    item.document = document
    item.save(update_fields=["document"])
    text = f"Begärd handling kopplades till {document.document_number}."
    add_to_timeline(item.request.case, "request_item", text, actor)
    record(actor=actor, action="requests.link_item", obj=item,
           label=item.request.case.case_number, before={"document": before},
           after={"document": document.pk})  # fmt: skip
    return item


@transaction.atomic
def do_remove_item(item: RequestedItem, *, actor: Any) -> None:
    """Remove an item added by mistake, before it is reviewed."""
    require_registering(actor, item.request.authority)
    _require_open(item)
    if item.review != Review.PENDING:
        raise ValidationError("En prövad handling kan inte tas bort.")
    if item.request.items.count() == 1:
        raise ValidationError("Begäran måste gälla minst en handling.")
    case: Case = item.request.case
    record(actor=actor, action="requests.remove_item", obj=item, label=case.case_number,
           before={"document": item.document_id})  # fmt: skip
    item.delete()
    add_to_timeline(case, "request_item", "En begärd handling togs bort.", actor)
