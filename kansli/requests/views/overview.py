"""The registrars' and officers' overview of requests for public documents, oldest
first with each one's clock (TF 2 kap. 15 §: as soon as possible), and a request's
page: its documents through the read gate, the review forms and the case's history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kansli.access.actions import do_log_reads
from kansli.access.protected import hide_protected
from kansli.access.rules import may_read
from kansli.registry.permissions import REGISTERING_ROLES, has_role
from kansli.registry.views.common import authorities_with, current_user, require
from kansli.requests.clock import request_clock
from kansli.requests.intake_forms import ItemForm
from kansli.requests.models import AccessRequest, RequestedItem, Review
from kansli.workdays.closed import closed_days

LIMIT = 200


def listed(user: Any, *, mine: bool = False, answered: bool = False) -> Any:
    """The requests of the authorities the user registers or handles for, through the
    read gate, oldest first, with their items counted."""
    rows = AccessRequest.objects.visible_to(user).filter(
        authority__in=authorities_with(user, REGISTERING_ROLES),
        answered_at__isnull=not answered,
    )
    if mine:
        rows = rows.filter(case__officer=user)
    return (
        # The case number is written by the case's municipality's format.
        rows.select_related("case__officer", "case__authority__municipality", "authority")
        .annotate(
            total=Count("items"), reviewed=Count("items", filter=~Q(items__review=Review.PENDING))
        )
        .order_by("received_at", "pk")
    )


def with_clocks(rows: list[AccessRequest]) -> list[tuple[AccessRequest, Any]]:
    now = timezone.now()
    closed: dict[int, frozenset[Any]] = {}
    for row in rows:
        municipality = row.authority.municipality_id
        if municipality not in closed:
            closed[municipality] = closed_days(municipality)
    return [(row, request_clock(row, now, closed[row.authority.municipality_id])) for row in rows]


@never_cache
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(authorities_with(user, REGISTERING_ROLES).exists())
    mine, answered = request.GET.get("mina") == "1", request.GET.get("besvarade") == "1"
    rows = list(listed(user, mine=mine, answered=answered)[: LIMIT + 1])
    context = {"rows": with_clocks(rows[:LIMIT]), "more": len(rows) > LIMIT, "mine": mine,
               "answered": answered}  # fmt: skip
    return render(request, "requests/overview_list.html", context)


def shown_items(user: Any, made: AccessRequest) -> list[dict[str, Any]]:
    """Each item with whether the user may read its document: one they may not is
    shown by its number only (kansli.access.rules.may_read); protected identities are
    masked as on the case page (OSL 21 kap. 3 §)."""
    items = list(
        made.items.select_related(
            "document__case__authority", "document__secrecy", "reviewed_by"
        ).prefetch_related("provisions")
    )
    readable = [i.document for i in items if i.document is not None and may_read(user, i.document)]
    do_log_reads(readable, "registration", actor=user)
    hide_protected(user, [], readable)
    return [{"item": i, "readable": i.document in readable} for i in items]


def visible_item(request: HttpRequest, pk: int) -> RequestedItem:
    visible = AccessRequest.objects.visible_to(request.user)
    items = RequestedItem.objects.filter(request__in=visible)
    return get_object_or_404(items.select_related("request__case", "document__case"), pk=pk)


@never_cache
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    made = get_object_or_404(
        AccessRequest.objects.visible_to(user).select_related("case__officer", "authority"),
        pk=pk,
    )
    staff = has_role(user, made.authority, REGISTERING_ROLES)
    context = {
        "made": made,
        "clock": request_clock(made),
        "items": shown_items(user, made),
        "staff": staff and made.answered_at is None,
        "item_form": ItemForm(),
        "timeline": made.case.timeline.select_related("actor"),
    }
    return render(request, "requests/overview_detail.html", context)
