"""The disposal pages: the authority's disposal lists, one list with its documents page
by page (what goes, what is refused and why, what a reviewer excluded), the reviewer's
buttons in turn (the manager, then the archivist), and the archivist's start of the
disposal, which runs in the background while the page shows its progress. Those who
may not read the lists (access.rules.visible_holds) get 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.org.models import Authority, Role
from kansli.registry.permissions import has_role
from kansli.registry.views.common import current_user
from kansli.retention import disposal
from kansli.retention.forms import ListForm, ReasonForm
from kansli.retention.models import DisposalItem, DisposalRun, RunState
from kansli.retention.tasks import dispose_run

PAGE = 100
SHOWS = ("going", "refused", "excluded", "disposed")


def archivist_authorities(user: Any) -> list[Authority]:
    return [a for a in Authority.objects.valid_on() if has_role(user, a, [Role.ARCHIVIST])]


def _run(request: HttpRequest, pk: int) -> DisposalRun:
    runs = DisposalRun.objects.visible_to(current_user(request)).select_related("authority")
    return get_object_or_404(runs, pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    runs = DisposalRun.objects.visible_to(user).select_related("authority", "report__case")
    authorities = archivist_authorities(user)
    if not authorities and not runs.exists():
        raise Http404
    form = ListForm(
        request.POST or None,
        authorities=[(str(a.pk), str(a)) for a in authorities],
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST":
        if not authorities:
            raise Http404
        if form.is_valid():
            authority = next(a for a in authorities if str(a.pk) == form.cleaned_data["authority"])
            try:
                run = disposal.do_list_disposal(authority, on=form.cleaned_data["on"], actor=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The disposal list was made and sent for review."))
                return redirect("retention:run", run.pk)
    return render(
        request,
        "retention/disposal/index.html",
        {"runs": runs.order_by("-created_at")[:200], "form": form if authorities else None},
    )


def _items(run: DisposalRun, show: str) -> Any:
    items = run.items.select_related("rule", "excluded_by", "document").order_by("document_number")
    if show == "refused":
        return items.exclude(refused="")
    if show == "excluded":
        return items.exclude(excluded_reason="")
    if show == "disposed":
        return items.filter(disposed_at__isnull=False)
    return items.filter(refused="", excluded_reason="")


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    run = _run(request, pk)
    show = request.GET.get("visa", "going")
    if show not in SHOWS:
        show = "going"
    items = _items(run, show)
    number = request.GET.get("handling", "").strip()[:40]
    if number:
        items = items.filter(document_number__icontains=number)
    page = Paginator(items, PAGE).get_page(request.GET.get("sida"))
    counts = {key: _items(run, key).count() for key in SHOWS}
    return render(
        request,
        "retention/disposal/run.html",
        {
            "run": run,
            "page": page,
            "show": show,
            "number": number,
            "counts": counts,
            "may_review": disposal.may_review(user, run),
            "may_dispose": run.state == RunState.APPROVED
            and has_role(user, run.authority, [Role.ARCHIVIST]),
            "reason_form": ReasonForm(),
            "running": run.state == RunState.APPROVED and run.started_at is not None,
        },
    )


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of a run being disposed of (polled by the run page)."""
    run = _run(request, pk)
    total = run.items.filter(refused="", excluded_reason="").count()
    done = run.items.filter(disposed_at__isnull=False).count()
    return render(
        request, "retention/disposal/_progress.html", {"run": run, "done": done, "total": total}
    )


def _act(request: HttpRequest, run: DisposalRun, act: Any, success: str) -> HttpResponse:
    try:
        act()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("retention:run", run.pk)


@require_POST
@login_required
def exclude(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    user, run = current_user(request), _run(request, pk)
    found = get_object_or_404(DisposalItem, run=run, pk=item)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request, run,
        lambda: disposal.do_exclude_disposal_item(found, reason, actor=user),
        _("%(number)s was excluded from disposal.") % {"number": found.document_number},
    )  # fmt: skip


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user, run = current_user(request), _run(request, pk)
    if run.state == RunState.MANAGER:
        return _act(
            request, run, lambda: disposal.do_review_disposal(run, excluded={}, actor=user),
            _("The list was reviewed and sent to the archivist."),
        )  # fmt: skip
    return _act(
        request, run, lambda: disposal.do_approve_disposal(run, excluded={}, actor=user),
        _("The list was approved. The archivist can now dispose of it."),
    )  # fmt: skip


@require_POST
@login_required
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    user, run = current_user(request), _run(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request, run, lambda: disposal.do_return_disposal(run, reason, actor=user),
        _("The list was sent back."),
    )  # fmt: skip


@require_POST
@login_required
def dispose(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the disposal in the background (`kansli worker` runs it)."""
    user, run = current_user(request), _run(request, pk)
    if run.state != RunState.APPROVED or not has_role(user, run.authority, [Role.ARCHIVIST]):
        raise Http404
    # Once: a second press while it runs would start a second run of the same list (a
    # disposal stopped by a crash is resumed with `kansli retention dispose`).
    if not DisposalRun.objects.filter(pk=run.pk, started_at__isnull=True).update(
        started_at=timezone.now()
    ):
        messages.info(request, _("The disposal has already started."))
        return redirect("retention:run", run.pk)
    transaction.on_commit(lambda: dispose_run.enqueue(run.pk, user.pk))
    messages.success(request, _("The disposal has started. This page shows how far it has come."))
    return redirect("retention:run", run.pk)
