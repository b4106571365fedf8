"""The officer's report in the API: start a draft in a case, read it, change it, ask
for, give or refuse the manager's approval, and hand it in. Who may read is
Report.objects.visible_to (404 for anyone else, as for a missing report); the actions
check who may do what (403) and refuse bad input (422). A protected party's name is
shown only to those who may see it (OSL 21 kap. 3 §)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema, Status

from kansli.inputs import Id, LongText, Title
from kansli.meetings.models import Meeting
from kansli.org.api import ERRORS, ApiRequest
from kansli.registry.models import Case, Document
from kansli.reports import actions, render
from kansli.reports.models import SECTIONS, Report

router = Router(tags=["officer's reports"])


class ReportIn(Schema):
    heading: Title | None = None
    summary: LongText | None = None
    background: LongText | None = None
    assessment: LongText | None = None
    consequences: LongText | None = None
    proposal: LongText | None = Field(None, description="The proposed decision.")
    appendices: list[Id] | None = Field(
        None, description="The numbers of the case's documents sent with the report."
    )
    meeting_id: Id | None = Field(None, description="The meeting it is handed in to.")


class ReportOut(Schema):
    id: int
    case: str
    status: str
    heading: str
    summary: str
    background: str
    assessment: str
    consequences: str
    proposal: str
    appendices: list[str]
    meeting_id: int | None
    item_deadline: datetime.date | None
    versions: int
    problems: dict[str, str] = Field(description="What stops the hand-in, by field.")
    document: str | None = Field(description="The registered document, once handed in.")
    approved_by: str | None = Field(description="The manager who approved it.")
    comment: str = Field(description="The manager's comment when sending it back.")


class ReturnIn(Schema):
    comment: LongText = Field(description="What the officer is to change.")


def _report(request: ApiRequest, report_id: int) -> Report:
    found = (
        Report.objects.visible_to(request.auth)
        .select_related("case__authority", "meeting__body", "document__case__authority")
        .filter(pk=report_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _out(request: ApiRequest, report: Report) -> ReportOut:
    hide = render.hider(request.auth, report.case)
    meeting = report.meeting
    appendices = report.appendices.select_related("case__authority").order_by("number")
    return ReportOut(
        id=report.pk,
        case=report.case.case_number,
        status=report.status,
        heading=hide(report.heading),
        **{key: hide(getattr(report, key)) for key in SECTIONS},
        appendices=[d.document_number for d in appendices],
        meeting_id=meeting.pk if meeting else None,
        item_deadline=meeting.item_deadline if meeting else None,
        versions=report.versions.count(),
        problems=actions.hand_in_problems(report),
        document=report.document.document_number if report.document else None,
        approved_by=report.approved_by.get_full_name() if report.approved_by else None,
        comment=hide(report.comment),
    )


def _save(request: ApiRequest, report: Report, payload: ReportIn) -> Report:
    """The given fields over the saved ones; what is left out stays."""
    given = payload.dict(exclude_unset=True)
    sections = {
        key: given.get(key) or "" if key in given else getattr(report, key) for key in SECTIONS
    }
    appendices = list(report.appendices.all())
    if "appendices" in given:
        numbers = given["appendices"] or []
        readable = Document.objects.visible_to(request.auth).filter(case=report.case)
        appendices = list(readable.filter(number__in=numbers))
        if len(appendices) != len(set(numbers)):
            raise ValidationError({"appendices": "Ärendet har ingen sådan handling."})
    meeting = report.meeting
    if "meeting_id" in given:
        meeting = None
        if given["meeting_id"] is not None:
            meeting = (
                Meeting.objects.visible_to(request.auth).filter(pk=given["meeting_id"]).first()
            )
            if meeting is None:
                raise ValidationError({"meeting_id": "Sammanträdet finns inte."})
    heading = given.get("heading") or report.heading
    return actions.do_save_report(
        report,
        heading=heading,
        sections=sections,
        appendices=appendices,
        meeting=meeting,
        actor=request.auth,
    )


@router.post(
    "/cases/{case_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Start an officer's report",
)
def report_start(request: ApiRequest, case_id: Id, payload: ReportIn) -> Status[ReportOut]:
    """A new draft in the case, with the given fields; a draft is not a public document
    until it is handed in (TF 2 kap. 12 §)."""
    case = Case.objects.visible_to(request.auth).filter(pk=case_id).first()
    if case is None:
        raise Http404
    with transaction.atomic():  # a refused field leaves no empty draft behind
        report = _save(request, actions.do_start_report(case, actor=request.auth), payload)
    return Status(201, _out(request, report))


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="A report")
def report_get(request: ApiRequest, report_id: Id) -> ReportOut:
    return _out(request, _report(request, report_id))


@router.patch(
    "/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="Change a report"
)
def report_patch(request: ApiRequest, report_id: Id, payload: ReportIn) -> ReportOut:
    """The fields given replace the saved ones; a change after the manager's approval
    takes the approval back."""
    return _out(request, _save(request, _report(request, report_id), payload))


@router.post(
    "/reports/{report_id}/hand-in",
    response={200: ReportOut, **ERRORS},
    summary="Hand in a report",
)
def report_hand_in(request: ApiRequest, report_id: Id) -> ReportOut:
    """Registered in the case and put on the chosen meeting's agenda; refused (422) with
    the checks that stop it."""
    report = actions.do_hand_in_report(_report(request, report_id), actor=request.auth)
    return _out(request, report)


@router.post(
    "/reports/{report_id}/ask-approval",
    response={200: ReportOut, **ERRORS},
    summary="Ask a manager to approve a report",
)
def report_ask_approval(request: ApiRequest, report_id: Id) -> ReportOut:
    """Where the authority requires the manager's approval before hand-in (422 where it
    does not, or when the report already waits for or has it)."""
    report = actions.do_ask_approval(_report(request, report_id), actor=request.auth)
    return _out(request, report)


@router.post(
    "/reports/{report_id}/approve",
    response={200: ReportOut, **ERRORS},
    summary="Approve a report (a manager)",
)
def report_approve(request: ApiRequest, report_id: Id) -> ReportOut:
    """A manager of the case's authority approves the report as it stands; whoever
    wrote any of it may not (403: the approval is a second pair of eyes)."""
    report = actions.do_approve_report(_report(request, report_id), actor=request.auth)
    return _out(request, report)


@router.post(
    "/reports/{report_id}/return",
    response={200: ReportOut, **ERRORS},
    summary="Send a report back to the officer (a manager)",
)
def report_return(request: ApiRequest, report_id: Id, payload: ReturnIn) -> ReportOut:
    """Sent back with a comment on what to change (422 without one)."""
    report = actions.do_return_report(
        _report(request, report_id), payload.comment, actor=request.auth
    )
    return _out(request, report)
