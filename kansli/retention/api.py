"""The document management plans in the API, read only: every version of the shared
plan and of each authority's, and one plan with its rules. Plans are not secret: all
staff of the municipality read them (kansli.access.rules.visible_plans); anyone else
gets an empty list, and 404 for a plan, as for a missing one. Plans are adopted on the
import page (kansli.retention.actions.do_import_plan)."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Query, Router, Schema

from kansli.inputs import Code, Day, Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.retention.models import Plan, PlanRule

router = Router(tags=["retention"])


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
