"""Meetings and their agendas in the API: list a body's meetings, read an agenda, and
pre-register an item (föranmäla) as an e-service or a planning tool would. Only staff of
the body's authority see its meetings; the actions check who may do what."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from kansli.access.protected import NOTHING, hiders
from kansli.access.rules import PREPARING_ROLES, item_hider
from kansli.inputs import Id, LongText, Title
from kansli.meetings import actions, agenda_order
from kansli.meetings.models import AgendaItem, Meeting, Section
from kansli.meetings.models.meetings import is_extra, is_late, lacking, public_heading
from kansli.meetings.views.common import documents_numbered
from kansli.org.api import ERRORS, ApiRequest
from kansli.registry.models import Case
from kansli.registry.permissions import has_role

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    body: str = Field(alias="body.code")
    starts_at: datetime.datetime
    place: str
    item_deadline: datetime.date
    dispatch_day: datetime.date
    dispatched_at: datetime.datetime | None


class ItemOut(Schema):
    id: int
    position: int
    section: str
    title: str
    case_number: str = Field(description="The case's number; a procedural item's reference.")
    reference: str
    rapporteur: str
    parent_id: int | None = Field(description="The item this is a sub-item of.")
    proposal: str
    report_id: int | None
    late: bool = Field(description="Pre-registered after the item deadline.")
    extra: bool = Field(description="Added after the notice was sent.")
    missing: list[str] = Field(description="What the item lacks for dispatch.")


class AgendaRowOut(ItemOut):
    label: str = Field(description="The agenda number as printed: 5, or 5 a for a sub-item.")


class ItemIn(Schema):
    case_id: Id
    title: Title
    proposal: LongText = ""
    section: Section = Section.DECISIONS
    rapporteur: str = Field("", max_length=10_000, description="Who presents the item.")
    report_document: Id | None = Field(None, description="The report's document number.")
    attachment_documents: list[Id] = Field(
        default_factory=list,
        max_length=200,
        description="The attachments' document numbers in the case.",
    )


def _meetings(request: ApiRequest) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(request.auth).select_related(
        "body__authority", "body__committee"
    )


def _meeting(request: ApiRequest, meeting_id: Id) -> Meeting:
    """One meeting of a body the caller prepares items for; 404 otherwise, as for one
    that does not exist. The one-row form of `_meetings`: the meeting, then the role
    check the action makes too (a filter through the gate's subquery costs more to build than
    both queries take)."""
    meeting = (
        Meeting.objects.select_related("body__authority__municipality", "minutes")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or not has_role(request.auth, meeting.body.authority, PREPARING_ROLES):
        raise Http404
    return meeting


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, summary="List meetings")
def list_meetings(request: ApiRequest) -> QuerySet[Meeting]:
    """The meetings of the bodies the caller prepares items for, a year back and ahead."""
    since = timezone.localdate() - datetime.timedelta(days=365)
    return _meetings(request).filter(starts_at__date__gte=since).order_by("starts_at")


@router.get(
    "/meetings/{meeting_id}/items",
    response={200: list[AgendaRowOut], **ERRORS},
    summary="Agenda",
)
def list_items(request: ApiRequest, meeting_id: Id) -> HttpResponse:
    """The agenda in the order it is printed (the body's section order, each sub-item
    under its parent), numbered as printed, with the marks for late, extra and
    incomplete items."""
    meeting = _meeting(request, meeting_id)
    # Plain rows, not model objects: a long agenda is read often while it is prepared.
    rows = list(
        meeting.items.order_by("position", "pk").values(
            "id",
            "position",
            "section",
            "title",
            "proposal",
            "report_id",
            "preregistered_at",
            "case__year",
            "case__number",
            "case__series__code",
            "case_id",
            "case__access_group_id",
            "case__officer_id",
            "secrecy__reference",
            "public_title",
            "reference",
            "rapporteur",
            "parent_id",
        )
    )
    authority = meeting.body.authority
    # A non-public item: its heading and provision only, unless the caller reads it in
    # full (kansli.access.rules.may_read_item, here on plain rows).
    hidden = item_hider(request.auth, authority)

    # A protected identity in a title: only for the case's officer and the registrars.
    cases = {
        row["case_id"]: SimpleNamespace(
            pk=row["case_id"], officer_id=row["case__officer_id"], authority_id=authority.pk
        )
        for row in rows
        if row["case_id"] is not None  # a procedural item has no case
    }
    hide = hiders(request.auth, cases.values())
    # The printed order and numbers (kansli.meetings.agenda_order), on stand-ins.
    places = [
        SimpleNamespace(
            pk=row["id"],
            parent_id=row["parent_id"],
            section=row["section"],
            position=row["position"],
            row=row,
        )
        for row in rows
    ]
    order = agenda_order.numbered(meeting.body, cast(list[AgendaItem], places))
    labels = {place.pk: place.label for place in order}  # type: ignore[attr-defined]
    rows = [place.row for place in order]  # type: ignore[attr-defined]
    items = [
        {
            "id": row["id"],
            "position": row["position"],
            "section": row["section"],
            "title": (
                public_heading(row["public_title"], row["secrecy__reference"])
                if hidden(row)
                else hide.get(row["case_id"], NOTHING)(row["title"])
            ),
            "case_number": authority.municipality.format_case_number(
                row["case__series__code"] or authority.code, row["case__year"], row["case__number"]
            )
            if row["case_id"] is not None
            else row["reference"],
            "reference": row["reference"],
            "rapporteur": row["rapporteur"],
            "parent_id": row["parent_id"],
            "proposal": "" if hidden(row) else hide.get(row["case_id"], NOTHING)(row["proposal"]),
            "report_id": row["report_id"],
            "late": is_late(row["preregistered_at"], meeting),
            "extra": is_extra(row["preregistered_at"], meeting),
            "missing": lacking(row["report_id"], row["proposal"], row["section"])
            if row["case_id"] is not None
            else [],
            "label": labels[row["id"]],
        }
        for row in rows
    ]
    # The rows have ItemOut's fields and types already (the tests check them against
    # it), so they are written as JSON here: Ninja's check of each field through its
    # Django attribute reader would take about as long as the rest of the request.
    return JsonResponse(items, safe=False)


@router.post(
    "/meetings/{meeting_id}/items",
    response={201: ItemOut, **ERRORS},
    summary="Pre-register an item",
)
def create_item(request: ApiRequest, meeting_id: Id, payload: ItemIn) -> Status[AgendaItem]:
    """Put a case on the meeting's agenda with its proposed decision and, if registered,
    its officer's report."""
    meeting = _meeting(request, meeting_id)
    cases = Case.objects.visible_to(request.auth).select_related("authority__municipality")
    case = cases.filter(pk=payload.case_id).first()
    if case is None:
        raise ValidationError({"case_id": "Ärendet finns inte."})
    report = None
    if payload.report_document is not None:
        numbers = [payload.report_document]
        (report,) = documents_numbered(request.auth, case, numbers, "report_document")
    numbers = sorted(set(payload.attachment_documents))
    attachments = documents_numbered(request.auth, case, numbers, "attachment_documents")
    item = actions.do_preregister_item(
        meeting,
        case,
        title=payload.title,
        proposal=payload.proposal,
        report=report,
        attachments=attachments,
        section=payload.section,
        rapporteur=payload.rapporteur,
        actor=request.auth,
    )
    return Status(201, item)
