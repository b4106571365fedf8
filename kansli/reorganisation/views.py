"""The system administrator's pages for reorganisations: the list, planning a move of
a responsibility or a merger of units, the preview of what would move with the button
that carries it out, and the report (page and CSV) once it is done."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.org.models import Role, User
from kansli.org.permissions import is_sysadmin
from kansli.registry.permissions import has_role
from kansli.registry.views.common import current_user
from kansli.reorganisation import actions
from kansli.reorganisation.forms import ResponsibilityForm, UnitMergeForm
from kansli.reorganisation.models import Line, Reorganisation
from kansli.web.csvfile import csv_download

LINES_PER_PAGE = 100


def _admin(request: HttpRequest) -> User:
    """Reorganisations are the system administrator's: they change more than one
    authority and the organisation (kansli.org.permissions), which no one authority's
    registrar may do."""
    user = current_user(request)
    if not is_sysadmin(user):
        raise PermissionDenied
    return user


def _report_reader(request: HttpRequest, pk: int) -> Reorganisation:
    """A reorganisation the user may read: a system administrator any; once carried
    out, the receiving authority's secretaries and registrars too, who put the
    withdrawn items on their own agendas and register what follows (its lines hold
    numbers, names of staff and meetings, never a case's title)."""
    user = current_user(request)
    reorganisation = get_object_or_404(Reorganisation, pk=pk)
    if is_sysadmin(user):
        return reorganisation
    target = reorganisation.target_authority
    receiving = target is not None and has_role(user, target, [Role.SECRETARY, Role.REGISTRAR])
    if reorganisation.carried_out_at is None or not receiving:
        raise Http404  # as if there were none (not a hint that one is planned)
    return reorganisation


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _admin(request)
    reorganisations = Reorganisation.objects.select_related("source_authority", "target_authority")
    return render(request, "reorganisation/index.html", {"reorganisations": reorganisations})


def _plan(request: HttpRequest, form: Any, plan: Any, template: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                reorganisation = plan(form.cleaned_data)
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("Planned. Check what would move before carrying it out."))
            return redirect("reorganisation:detail", reorganisation.pk)
    return render(request, template, {"form": form})


@login_required
def plan_move(request: HttpRequest) -> HttpResponse:
    user = _admin(request)

    def plan(data: dict[str, Any]) -> Reorganisation:
        return actions.do_plan_responsibility_move(
            data["source_authority"], data["target_authority"], data["title"],
            classifications=data["classifications"], units=data["units"],
            cases=data["case_numbers"], keep_numbers=data["keep_numbers"] == "1",
            actor=user,
        )  # fmt: skip

    form = ResponsibilityForm(request.POST or None)
    return _plan(request, form, plan, "reorganisation/plan_move.html")


@login_required
def plan_units(request: HttpRequest) -> HttpResponse:
    user = _admin(request)

    def plan(data: dict[str, Any]) -> Reorganisation:
        return actions.do_plan_unit_merge(
            data["units"], data["target_unit"], data["title"], actor=user
        )

    form = UnitMergeForm(request.POST or None)
    return _plan(request, form, plan, "reorganisation/plan_units.html")


def _lines(reorganisation: Reorganisation) -> list[Line]:
    """The report once carried out; before, the dry run of what would happen."""
    if reorganisation.carried_out_at is None:
        return actions.preview(reorganisation)
    return list(reorganisation.lines.all())


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    reorganisation = _report_reader(request, pk)
    lines = _lines(reorganisation)
    counts = {outcome: sum(1 for x in lines if x.outcome == outcome) for outcome in
              ("moved", "not_moved", "to_do")}  # fmt: skip
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("sida"))
    context = {"reorganisation": reorganisation, "page": page, "counts": counts,
               "is_admin": is_sysadmin(request.user)}  # fmt: skip
    return render(request, "reorganisation/detail.html", context)


@login_required
@require_POST
def carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    reorganisation = get_object_or_404(Reorganisation, pk=pk)
    try:
        actions.do_carry_out_reorganisation(reorganisation, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reorganisation has been carried out."))
    return redirect("reorganisation:detail", reorganisation.pk)


@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    reorganisation = _report_reader(request, pk)
    header = [_("What"), _("Outcome"), _("Before"), _("After"), _("Note")]
    rows = [
        [x.get_kind_display(), x.get_outcome_display(), x.old_reference, x.new_reference, x.text]
        for x in _lines(reorganisation)
    ]
    return csv_download(f"omorganisation-{reorganisation.pk}", header, rows)
