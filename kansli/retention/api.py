"""The document management plans in the API, read only: every version of the shared
plan and of each authority's, and one plan with its rules. Plans are not secret: all
staff of the municipality read them (kansli.access.rules.visible_plans); anyone else
gets an empty list, and 404 for a plan, as for a missing one. Plans are adopted on the
import page (kansli.retention.actions.do_import_plan)."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema

from kansli.inputs import Address, Code, Day, Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.retention import disposal
from kansli.retention.models import DisposalRun, Hold, Plan, PlanRule, RunState

router = Router(tags=["retention"])
ITEMS = 500  # items of a disposal run per answer


class PlanOut(Schema):
    id: int
    authority: str | None  # the authority's code; None: the municipality's shared plan
    version: int
    valid_from: datetime.date
    adopted_by: str
    decision_reference: str
    decision_date: datetime.date
    in_force: bool


class RuleOut(Schema):
    process_code: str
    process_title: str
    document_type: str
    handling: str  # registered | kept_in_order
    outcome: str  # keep | dispose
    period_years: int | None
    period_months: int | None
    starting_event: str  # case_closed, document_date, registered, year_end, ...; "" if kept
    period: str  # as the plan reads, e.g. "2 år efter ärendets avslut"
    medium: str  # paper | digital
    kept_where: str
    legal_basis: str
    secrecy: str | None  # the OSL provision, e.g. "OSL 26 kap. 1 §"
    note: str


class PlanDetailOut(PlanOut):
    rules: list[RuleOut]


class PlanFilter(Schema):
    authority: Code | None = None  # an authority's code: its own plans only
    shared: bool | None = None  # true: the shared plan's versions only
    on: Day | None = None  # with in_force: the day to judge (default today)


def _out(plan: Plan, in_force: set[int]) -> dict[str, object]:
    return {
        "id": plan.pk,
        "authority": plan.authority.code if plan.authority else None,
        "version": plan.version,
        "valid_from": plan.valid_from,
        "adopted_by": plan.adopted_by,
        "decision_reference": plan.decision_reference,
        "decision_date": plan.decision_date,
        "in_force": plan.pk in in_force,
    }


def _in_force(plans: list[Plan], on: datetime.date | None) -> set[int]:
    """The versions that apply on the day, asked once per plan owner."""
    found = set()
    owners = {(plan.authority_id, plan.municipality_id): plan for plan in plans}
    for plan in owners.values():
        current = Plan.objects.in_force(plan.authority, on, municipality=plan.municipality)
        if current is not None and current.authority_id == plan.authority_id:
            found.add(current.pk)
    return found


def _rule(rule: PlanRule) -> RuleOut:
    return RuleOut(
        process_code=rule.process_code,
        process_title=rule.process_title,
        document_type=rule.document_type,
        handling=rule.handling,
        outcome=rule.outcome,
        period_years=rule.period_years,
        period_months=rule.period_months,
        starting_event=rule.starting_event,
        period=rule.period,
        medium=rule.medium,
        kept_where=rule.kept_where,
        legal_basis=rule.legal_basis,
        secrecy=rule.secrecy.reference if rule.secrecy else None,
        note=rule.note,
    )


@router.get("/retention/plans", response={200: list[PlanOut], **ERRORS}, summary="List plans")
def list_plans(request: ApiRequest, filters: Query[PlanFilter]) -> list[dict[str, object]]:
    """Every version of the plans the caller reads, by authority (the shared plan
    first) and newest version first; `in_force` marks the version that applies on `on`."""
    plans = Plan.objects.visible_to(request.auth).select_related("authority", "municipality")
    if filters.authority:
        plans = plans.filter(authority__code=filters.authority.upper())
    if filters.shared is not None:
        plans = plans.filter(authority__isnull=filters.shared)
    found = list(plans.order_by("municipality", "authority__code", "-version")[:1000])
    in_force = _in_force(found, filters.on)
    return [_out(plan, in_force) for plan in found]


@router.get(
    "/retention/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="Read a plan"
)
def read_plan(request: ApiRequest, plan_id: Id) -> dict[str, object]:
    """One plan with its rules in the plan's order."""
    plan = (
        Plan.objects.visible_to(request.auth)
        .select_related("authority", "municipality")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404
    rules = plan.rules.select_related("secrecy").order_by("position")
    return {**_out(plan, _in_force([plan], None)), "rules": [_rule(rule) for rule in rules]}


# Legal holds and disposal lists: read by access.rules.visible_holds (the authority's
# archivists, data protection officer, registrars and managers); anyone else gets an
# empty list and 404. The reviews are the same actions as on the pages.


class HoldOut(Schema):
    id: int
    authority: str
    reason: str
    cases: list[str]  # case numbers
    documents: int  # how many documents (a search result) it names
    counterpart: str
    placed_at: datetime.datetime
    lifted_at: datetime.datetime | None
    lift_reason: str


class DisposalRunOut(Schema):
    id: int
    authority: str
    due_on: datetime.date
    state: str  # manager | archivist | approved | done | returned
    to_dispose: int
    refused: int
    excluded: int
    disposed: int
    report: str | None  # the registered disposal report's document number


class DisposalItemOut(Schema):
    id: int
    document_number: str
    rule: str
    due: datetime.date
    refused: str
    excluded_reason: str
    disposed_at: datetime.datetime | None
    checksums: list[str]


class DisposalRunDetailOut(DisposalRunOut):
    items: list[DisposalItemOut]
    more: bool  # there are items after these (`offset`)


class DisposalItemPage(Schema):
    offset: int = Field(0, ge=0)


class DisposalReasonIn(Schema):
    reason: Address  # up to 2,000 characters


@router.get("/retention/holds", response={200: list[HoldOut], **ERRORS}, summary="List holds")
def list_holds(request: ApiRequest) -> list[dict[str, object]]:
    """The legal holds the caller reads, newest first (at most 1,000)."""
    holds = Hold.objects.visible_to(request.auth).select_related("authority")
    return [
        {"id": hold.pk, "authority": hold.authority.code, "reason": hold.reason,
         "cases": [case.case_number for case in hold.cases.select_related("authority", "series")],
         "documents": hold.documents.count(), "counterpart": hold.counterpart,
         "placed_at": hold.placed_at, "lifted_at": hold.lifted_at,
         "lift_reason": hold.lift_reason}
        for hold in holds.order_by("-placed_at")[:1000]
    ]  # fmt: skip


def _run_out(run: DisposalRun) -> dict[str, object]:
    items = run.items
    return {
        "id": run.pk, "authority": run.authority.code, "due_on": run.due_on, "state": run.state,
        "to_dispose": items.filter(refused="", excluded_reason="").count(),
        "refused": items.exclude(refused="").count(),
        "excluded": items.exclude(excluded_reason="").count(),
        "disposed": items.filter(disposed_at__isnull=False).count(),
        "report": run.report.document_number if run.report else None,
    }  # fmt: skip


def _run(request: ApiRequest, run_id: int) -> DisposalRun:
    runs = DisposalRun.objects.visible_to(request.auth).select_related("authority", "report")
    run = runs.filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@router.get(
    "/retention/disposal-runs",
    response={200: list[DisposalRunOut], **ERRORS},
    summary="List disposal runs",
)
def list_runs(request: ApiRequest) -> list[dict[str, object]]:
    """The disposal lists the caller reads, newest first (at most 200)."""
    runs = DisposalRun.objects.visible_to(request.auth).select_related("authority", "report")
    return [_run_out(run) for run in runs.order_by("-created_at")[:200]]


@router.get(
    "/retention/disposal-runs/{run_id}",
    response={200: DisposalRunDetailOut, **ERRORS},
    summary="Read a disposal run",
)
def read_run(request: ApiRequest, run_id: Id, page: Query[DisposalItemPage]) -> dict[str, object]:
    """One disposal list with 500 of its items from `offset`, by document number."""
    run = _run(request, run_id)
    items = list(run.items.select_related("rule").order_by("document_number")
                 [page.offset : page.offset + ITEMS + 1])  # fmt: skip
    return {
        **_run_out(run),
        "items": [
            {
                "id": i.pk,
                "document_number": i.document_number,
                "rule": str(i.rule),
                "due": i.due,
                "refused": i.refused,
                "excluded_reason": i.excluded_reason,
                "disposed_at": i.disposed_at,
                "checksums": i.checksums,
            }
            for i in items[:ITEMS]
        ],
        "more": len(items) > ITEMS,
    }


@router.post(
    "/retention/disposal-runs/{run_id}/items/{item_id}/exclude",
    response={200: DisposalRunOut, **ERRORS},
    summary="Exclude a document from a disposal run",
)
def exclude_item(
    request: ApiRequest, run_id: Id, item_id: Id, body: DisposalReasonIn
) -> dict[str, object]:
    """The reviewer whose turn it is excludes one document, with a reason."""
    run = _run(request, run_id)
    item = run.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    disposal.do_exclude_disposal_item(item, body.reason, actor=request.auth)
    return _run_out(run)


@router.post(
    "/retention/disposal-runs/{run_id}/review",
    response={200: DisposalRunOut, **ERRORS},
    summary="Review or approve a disposal run",
)
def review_run(request: ApiRequest, run_id: Id) -> dict[str, object]:
    """The manager's review, or after it the archivist's approval (not by the same
    person)."""
    run = _run(request, run_id)
    if run.state == RunState.MANAGER:
        run = disposal.do_review_disposal(run, excluded={}, actor=request.auth)
    else:
        run = disposal.do_approve_disposal(run, excluded={}, actor=request.auth)
    return _run_out(run)


@router.post(
    "/retention/disposal-runs/{run_id}/return",
    response={200: DisposalRunOut, **ERRORS},
    summary="Send a disposal run back",
)
def return_run(request: ApiRequest, run_id: Id, body: DisposalReasonIn) -> dict[str, object]:
    run = disposal.do_return_disposal(_run(request, run_id), body.reason, actor=request.auth)
    return _run_out(run)
