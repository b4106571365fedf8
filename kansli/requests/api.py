"""Requests for public documents in the API: the overview (the same read gate as the
page), one request with its documents, a request registered by staff, and the review of
one document. A document the caller may not read is given by its number only."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from kansli.access.actions import do_log_reads
from kansli.access.protected import hide_protected
from kansli.access.rules import may_read, visible_documents
from kansli.inputs import Address, Code, Id, LongText, Name, Title, Words
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority
from kansli.registry.models import Document, SecrecyProvision
from kansli.requests.actions.intake import do_register_request
from kansli.requests.actions.review import do_review_item
from kansli.requests.clock import request_clock
from kansli.requests.intake_forms import find_document
from kansli.requests.models import AccessRequest, RequestedItem, Review
from kansli.requests.views.overview import LIMIT, listed, with_clocks

router = Router(tags=["requests"])


class AccessRequestFilter(Schema):
    mine: bool = False  # only those whose case the caller is the officer of
    answered: bool = False  # the answered ones instead of the open


class AccessRequestOut(Schema):
    id: int
    case_id: int
    case_number: str
    authority: str
    channel: str
    received_at: datetime.datetime
    answered_at: datetime.datetime | None
    officer: str | None
    items_total: int
    items_reviewed: int
    working_minutes: int
    working_days: int


class RequestedItemOut(Schema):
    id: int
    document_id: int | None
    document_number: str | None
    document_description: str | None  # only when the caller may read the document
    description: str
    review: str
    provisions: list[str]
    conditions: str | None
    reasons: str | None
    reviewed_by: str | None
    reviewed_at: datetime.datetime | None
    referred_to: str


class AccessRequestDetailOut(AccessRequestOut):
    name: str
    contact: str
    description: str
    items: list[RequestedItemOut]


class AccessRequestIn(Schema):
    authority: Code
    description: LongText
    channel: Literal["phone", "counter", "letter", "email"]
    name: Words = ""
    contact: Name = ""
    documents: list[Words] = []  # registered document numbers, KS 2026/14-2
    descriptions: list[Title] = []  # documents in the requester's words
    received_at: datetime.datetime | None = None


class ItemReviewIn(Schema):
    review: Literal["disclose", "redact", "conditions", "refuse"]
    provisions: list[Words] = []  # OSL 21 kap. 1 §
    conditions: Address = ""
    reasons: LongText = ""


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def _summary(made: AccessRequest, clock: Any, total: int, reviewed: int) -> dict[str, Any]:
    return {
        "id": made.pk, "case_id": made.case_id, "case_number": made.case.case_number,
        "authority": made.authority.code, "channel": made.channel,
        "received_at": made.received_at, "answered_at": made.answered_at,
        "officer": _name(made.case.officer), "items_total": total,
        "items_reviewed": reviewed, "working_minutes": clock.minutes,
        "working_days": clock.days,
    }  # fmt: skip


def _item(item: RequestedItem, readable: bool) -> dict[str, Any]:
    document = item.document
    secret_words = readable or document is None
    return {
        "id": item.pk, "document_id": item.document_id,
        "document_number": document.document_number if document else None,
        "document_description": document.description if readable and document else None,
        "description": item.description, "review": item.review,
        "provisions": [p.reference for p in item.provisions.all()],
        "conditions": item.conditions if secret_words else None,
        "reasons": item.reasons if secret_words else None,
        "reviewed_by": _name(item.reviewed_by), "reviewed_at": item.reviewed_at,
        "referred_to": item.referred_to,
    }  # fmt: skip


def _detail(user: Any, made: AccessRequest) -> dict[str, Any]:
    items = list(
        made.items.select_related("document__case__authority", "reviewed_by").prefetch_related(
            "provisions"
        )
    )
    readable = {i.pk: i.document is not None and may_read(user, i.document) for i in items}
    documents = [i.document for i in items if readable[i.pk]]
    do_log_reads(documents, "registration", actor=user)
    hide_protected(user, [], documents)  # shown, never saved (OSL 21 kap. 3 §)
    reviewed = sum(i.review != Review.PENDING for i in items)
    return _summary(made, request_clock(made), len(items), reviewed) | {
        "name": made.name, "contact": made.contact, "description": made.description,
        "items": [_item(i, readable[i.pk]) for i in items],
    }  # fmt: skip


def _visible(user: Any, request_id: int) -> AccessRequest:
    return get_object_or_404(
        AccessRequest.objects.visible_to(user).select_related("case__officer", "authority"),
        pk=request_id,
    )


@router.get("/requests", response={200: list[AccessRequestOut], **ERRORS},
            summary="List requests for public documents")  # fmt: skip
def list_requests(request: ApiRequest, filters: Query[AccessRequestFilter]) -> list[dict[str, Any]]:
    """The requests of the authorities the caller registers or handles for, oldest
    first (at most 200), with the working time taken (TF 2 kap. 15 §)."""
    rows = list(listed(request.auth, mine=filters.mine, answered=filters.answered)[:LIMIT])
    return [_summary(row, clock, row.total, row.reviewed) for row, clock in with_clocks(rows)]  # type: ignore[attr-defined]


@router.get("/requests/{request_id}", response={200: AccessRequestDetailOut, **ERRORS},
            summary="Read a request for public documents")  # fmt: skip
def read_request(request: ApiRequest, request_id: Id) -> dict[str, Any]:
    return _detail(request.auth, _visible(request.auth, request_id))


@router.post("/requests", response={201: AccessRequestDetailOut, **ERRORS},
             summary="Register a request for public documents")  # fmt: skip
def create_request(request: ApiRequest, payload: AccessRequestIn) -> Status[dict[str, Any]]:
    """A request taken by phone, at the counter, by letter or by e-mail, registered in a
    case of its own; the documents by number, or described in the requester's words."""
    authority = Authority.objects.filter(code=payload.authority.strip().upper()).first()
    if authority is None:
        raise ValidationError({"authority": f"Okänd myndighet: {payload.authority}."})
    visible = visible_documents(Document.objects.all(), request.auth)
    documents = []
    for number in payload.documents:
        found = find_document(number, visible)
        if found is None:
            raise ValidationError({"documents": f"Ingen registrerad handling {number}."})
        documents.append(found)
    made = do_register_request(
        authority, payload.description, channel=payload.channel, name=payload.name,
        contact=payload.contact, documents=documents, descriptions=payload.descriptions,
        received_at=payload.received_at, actor=request.auth,
    )  # fmt: skip
    return Status(201, _detail(request.auth, made))


@router.post("/requests/{request_id}/items/{item_id}/review",
             response={200: RequestedItemOut, **ERRORS},
             summary="Review one document asked for")  # fmt: skip
def review_item(
    request: ApiRequest, request_id: Id, item_id: Id, payload: ItemReviewIn
) -> dict[str, Any]:
    """Disclose, redact or refuse (with the provisions, OSL 6 kap. 3 §), or disclose with
    conditions (OSL 10 kap. 14 §). Only staff of the authority who may read it."""
    made = _visible(request.auth, request_id)
    item = made.items.select_related("document__case__authority").filter(pk=item_id).first()
    if item is None:
        raise Http404
    provisions = list(SecrecyProvision.objects.filter(reference__in=payload.provisions))
    unknown = set(payload.provisions) - {p.reference for p in provisions}
    if unknown:
        raise ValidationError({"provisions": f"Okänd bestämmelse: {', '.join(sorted(unknown))}."})
    done = do_review_item(
        item, payload.review, provisions=provisions, conditions=payload.conditions,
        reasons=payload.reasons, actor=request.auth,
    )  # fmt: skip
    if done.document is not None:
        hide_protected(request.auth, [], [done.document])
    return _item(done, readable=True)
