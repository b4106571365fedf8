"""Sändlistor in the API: the lists, their members, a remiss sent to a list, and the
record of a send. Who may read is the querysets' visible_to (404 for anyone else, as
for something missing); the actions say who may change (403) and refuse bad input
(422) with nothing saved."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.distribution import actions
from kansli.distribution.models import Dispatch, DistributionList, Member
from kansli.inputs import Address, Day, Id, Name, Words
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority, Municipality, User
from kansli.registry.models import Document

router = Router(tags=["distribution lists"])


class MemberOut(Schema):
    id: int
    kind: str
    name: str
    channel: str
    address: str


class ListOut(Schema):
    id: int
    name: str
    authority: str | None = Field(description="The authority's code; null: shared.")
    closed: bool
    members: list[MemberOut]


class ListIn(Schema):
    name: Words
    authority_id: Id | None = Field(None, description="Null: shared across the municipality.")
    municipality_id: Id | None = Field(None, description="For a shared list.")


class MemberIn(Schema):
    kind: str = Field(description="anvandare, myndighet or extern.")
    channel: str = Field(description="epost, brev or portal.")
    username: Name | None = None
    authority_id: Id | None = None
    name: Name = ""
    organisation: Name = ""
    email: Name = ""
    postal_address: Address = ""


class RecipientOut(Schema):
    name: str
    address: str
    channel: str
    status: str
    answer: str | None


class DispatchOut(Schema):
    id: int
    purpose: str
    subject: str
    list_name: str
    sent_at: datetime.datetime
    reply_by: datetime.date | None
    registered_as: str | None
    recipients: list[RecipientOut]


class ReferralIn(Schema):
    list_id: Id
    reply_by: Day


def _list(request: ApiRequest, list_id: int) -> DistributionList:
    found = DistributionList.objects.visible_to(request.auth).filter(pk=list_id).first()
    if found is None:
        raise Http404
    return found


def _list_out(dlist: DistributionList) -> ListOut:
    members = dlist.members.select_related("user", "authority")
    return ListOut(
        id=dlist.pk,
        name=dlist.name,
        authority=dlist.authority.code if dlist.authority else None,
        closed=dlist.closed_at is not None,
        members=[
            MemberOut(id=m.pk, kind=m.kind, name=m.shown_name, channel=m.channel, address=m.address)
            for m in members
        ],
    )


@router.get("/distribution-lists", response={200: list[ListOut], **ERRORS}, summary="Lists")
def lists(request: ApiRequest) -> list[ListOut]:
    found = DistributionList.objects.visible_to(request.auth).select_related("authority")
    return [_list_out(dlist) for dlist in found[:200]]


@router.post("/distribution-lists", response={201: ListOut, **ERRORS}, summary="Create a list")
def list_create(request: ApiRequest, payload: ListIn) -> Status[ListOut]:
    authority = None
    if payload.authority_id is not None:
        authority = Authority.objects.filter(pk=payload.authority_id).first()
        if authority is None:
            raise Http404
        municipality = authority.municipality
    else:
        found = Municipality.objects.filter(pk=payload.municipality_id or 0).first()
        if found is None:
            raise Http404
        municipality = found
    dlist = actions.do_create_list(
        municipality, payload.name, authority=authority, actor=request.auth
    )
    return Status(201, _list_out(dlist))


@router.get("/distribution-lists/{list_id}", response={200: ListOut, **ERRORS}, summary="A list")
def list_get(request: ApiRequest, list_id: Id) -> ListOut:
    return _list_out(_list(request, list_id))


@router.post(
    "/distribution-lists/{list_id}/members",
    response={201: ListOut, **ERRORS},
    summary="Add a recipient to a list",
)
def member_add(request: ApiRequest, list_id: Id, payload: MemberIn) -> Status[ListOut]:
    dlist = _list(request, list_id)
    user = None
    if payload.username:
        user = User.objects.filter(username=payload.username).first()
    authority = None
    if payload.authority_id is not None:
        authority = Authority.objects.filter(pk=payload.authority_id).first()
    actions.do_add_member(
        dlist, payload.kind, payload.channel, user=user, authority=authority,
        name=payload.name, organisation=payload.organisation, email=payload.email,
        postal_address=payload.postal_address, actor=request.auth,
    )  # fmt: skip
    return Status(201, _list_out(dlist))


@router.delete(
    "/distribution-lists/{list_id}/members/{member_id}",
    response={200: ListOut, **ERRORS},
    summary="Remove a recipient from a list",
)
def member_remove(request: ApiRequest, list_id: Id, member_id: Id) -> ListOut:
    dlist = _list(request, list_id)
    member = Member.objects.filter(dlist=dlist, pk=member_id).first()
    if member is None:
        raise Http404
    actions.do_remove_member(member, actor=request.auth)
    return _list_out(dlist)


def _dispatch_out(dispatch: Dispatch) -> DispatchOut:
    return DispatchOut(
        id=dispatch.pk,
        purpose=dispatch.purpose,
        subject=dispatch.subject,
        list_name=dispatch.list_name,
        sent_at=dispatch.sent_at,
        reply_by=dispatch.reply_by,
        registered_as=dispatch.outgoing.document_number if dispatch.outgoing else None,
        recipients=[
            RecipientOut(
                name=r.name,
                address=r.address,
                channel=r.channel,
                status=r.status,
                answer=r.answer.document_number if r.answer else None,
            )
            for r in dispatch.recipients.select_related("answer")
        ],
    )


@router.post(
    "/documents/{document_id}/referrals",
    response={201: DispatchOut, **ERRORS},
    summary="Send a document on referral (remiss) to a list",
)
def referral_send(request: ApiRequest, document_id: Id, payload: ReferralIn) -> Status[DispatchOut]:
    document = Document.objects.visible_to(request.auth).filter(pk=document_id).first()
    if document is None:
        raise Http404
    dlist = _list(request, payload.list_id)
    dispatch = actions.do_send_referral(document, dlist, payload.reply_by, actor=request.auth)
    return Status(201, _dispatch_out(dispatch))


@router.get("/dispatches/{dispatch_id}", response={200: DispatchOut, **ERRORS}, summary="A send")
def dispatch_get(request: ApiRequest, dispatch_id: Id) -> DispatchOut:
    """Through the gate: 404 to anyone who may not read its case, meeting or news."""
    dispatch = Dispatch.objects.visible_to(request.auth).filter(pk=dispatch_id).first()
    if dispatch is None:
        raise Http404
    return _dispatch_out(dispatch)
