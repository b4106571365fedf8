"""A flexible agenda in the API: the secretary adds procedural items (one or the
standard ones), places an item under another and sets its reference and rapporteur,
orders the body's sections, and adds and removes the appendices of the minutes. A
meeting of a body the caller does not work with answers 404, as a missing one; the
actions check who may do what (403) and refuse bad input (422)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.inputs import Id
from kansli.meetings.actions import appendices, items
from kansli.meetings.models import AgendaItem, Appendix, Meeting, Minutes, Section
from kansli.meetings.permissions import mask_items, paragraph_hiders
from kansli.meetings.views.common import documents_numbered
from kansli.org.api import ERRORS, ApiRequest

router = Router(tags=["agenda"])


class ProceduralIn(Schema):
    title: str = Field(max_length=10_000)
    section: str = Section.PROCEDURE
    reference: str = Field("", max_length=10_000)
    rapporteur: str = Field("", max_length=10_000)


class ItemDetailsIn(Schema):
    parent_id: Id | None = Field(None, description="The item to place this under; none: its own.")
    reference: str = Field("", max_length=10_000)
    rapporteur: str = Field("", max_length=10_000)


class PlacedOut(Schema):
    id: int
    title: str
    section: str
    reference: str
    rapporteur: str
    parent_id: int | None


class SectionOrderIn(Schema):
    order: list[str] = Field(max_length=20, description="Section values, first first.")


class SectionOrderOut(Schema):
    order: list[str] = Field(alias="section_order")


class AppendixIn(Schema):
    title: str = Field("", max_length=10_000)
    paragraph_id: Id | None = None
    document_number: Id | None = Field(None, description="A document of the §'s case.")


class AppendixOut(Schema):
    id: int
    number: int
    title: str
    paragraph_id: int | None
    document_id: int | None


def _meeting(request: ApiRequest, meeting_id: int) -> Meeting:
    found = Meeting.objects.visible_to(request.auth).filter(pk=meeting_id).first()
    if found is None:
        raise Http404
    return found


def _minutes(request: ApiRequest, meeting_id: int) -> Minutes:
    found = Minutes.objects.filter(meeting=_meeting(request, meeting_id)).first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/meetings/{meeting_id}/procedural-items",
    response={201: PlacedOut, **ERRORS},
    summary="Add a procedural item",
)
def add_procedural(
    request: ApiRequest, meeting_id: Id, payload: ProceduralIn
) -> Status[AgendaItem]:
    item = items.do_add_procedural_item(
        _meeting(request, meeting_id),
        payload.title,
        section=payload.section,
        reference=payload.reference,
        rapporteur=payload.rapporteur,
        actor=request.auth,
    )
    return Status(201, item)


@router.post(
    "/meetings/{meeting_id}/standard-items",
    response={201: list[PlacedOut], **ERRORS},
    summary="Add the standard procedural items not already there",
)
def add_standard(request: ApiRequest, meeting_id: Id) -> Status[list[AgendaItem]]:
    added = items.do_add_standard_items(_meeting(request, meeting_id), actor=request.auth)
    return Status(201, added)


@router.put(
    "/meetings/items/{item_id}/details",
    response={200: PlacedOut, **ERRORS},
    summary="Place an item under another, set its reference and rapporteur",
)
def item_details(request: ApiRequest, item_id: Id, payload: ItemDetailsIn) -> AgendaItem:
    meetings = Meeting.objects.visible_to(request.auth)
    item = AgendaItem.objects.filter(pk=item_id, meeting__in=meetings).first()
    if item is None:
        raise Http404
    parent = None
    if payload.parent_id is not None:
        parent = AgendaItem.objects.filter(pk=payload.parent_id, meeting__in=meetings).first()
        if parent is None:
            raise ValidationError({"parent_id": "Punkten finns inte."})
    done = items.do_set_item_details(
        item,
        parent=parent,
        reference=payload.reference,
        rapporteur=payload.rapporteur,
        actor=request.auth,
    )
    mask_items(request.auth, [done])  # the title as the caller may read it (OSL 21 kap. 3 §)
    done.title = done.shown_title  # type: ignore[attr-defined]  # for the answer, never saved
    return done


@router.put(
    "/meetings/{meeting_id}/section-order",
    response={200: SectionOrderOut, **ERRORS},
    summary="The order of sections of the meeting's body",
)
def section_order(request: ApiRequest, meeting_id: Id, payload: SectionOrderIn) -> object:
    body = _meeting(request, meeting_id).body
    return items.do_set_section_order(body, payload.order, actor=request.auth)


@router.post(
    "/meetings/{meeting_id}/appendices",
    response={201: AppendixOut, **ERRORS},
    summary="Add an appendix to the minutes",
)
def add_appendix(request: ApiRequest, meeting_id: Id, payload: AppendixIn) -> Status[Appendix]:
    minutes = _minutes(request, meeting_id)
    paragraph = None
    if payload.paragraph_id is not None:
        paragraph = (
            minutes.paragraphs.select_related("item__case").filter(pk=payload.paragraph_id).first()
        )
        if paragraph is None:
            raise ValidationError({"paragraph_id": "Paragrafen finns inte i protokollet."})
    document = None
    if payload.document_number is not None:
        if paragraph is None or paragraph.item.case is None:
            raise ValidationError({"paragraph_id": "Välj paragrafen som handlingen hör till."})
        numbers = [payload.document_number]
        (document,) = documents_numbered(request.auth, paragraph.item.case, numbers, "document")
    appendix = appendices.do_add_appendix(
        minutes, payload.title, paragraph=paragraph, document=document, actor=request.auth
    )
    # A protected identity in the title (a document's description) shown masked to a
    # caller who may not know it (OSL 21 kap. 3 §); stored as it is.
    appendix.title = paragraph_hiders(request.auth, minutes)(appendix.paragraph_id)(appendix.title)
    return Status(201, appendix)


@router.delete(
    "/meetings/{meeting_id}/appendices/{number}",
    response={204: None, **ERRORS},
    summary="Remove an appendix; the later ones are renumbered",
)
def remove_appendix(request: ApiRequest, meeting_id: Id, number: Id) -> Status[None]:
    found = _minutes(request, meeting_id).appendices.filter(number=number).first()
    if found is None:
        raise Http404
    appendices.do_remove_appendix(found, actor=request.auth)
    return Status(204, None)
