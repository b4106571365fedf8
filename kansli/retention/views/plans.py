"""The plan's pages: every version of the shared plan and of each authority's, one plan's
rules grouped by process with its CSV and PDF, and the import that adopts a plan (or
prints the proposal for the board). Staff of the municipality read plans; a plan one
may not read, and the import for one who may not adopt, answer 404 like a missing page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.access.rules import reader
from kansli.org.models import Authority, Municipality
from kansli.registry.legacy_csv import FileRefused
from kansli.registry.views.common import current_user
from kansli.retention import actions
from kansli.retention.csvplan import HEADER, MAX_BYTES, export_rows, read_plan_csv
from kansli.retention.forms import SHARED, ImportForm
from kansli.retention.models import Plan
from kansli.retention.pdf import by_process, plan_pdf
from kansli.web.csvfile import csv_download


def _staff_or_404(user: Any) -> None:
    if reader(user).municipalities == []:
        raise Http404


def _municipality(user: Any) -> Municipality:
    municipalities = reader(user).municipalities
    found = Municipality.objects.filter(pk__in=municipalities) if municipalities else None
    municipality = (found or Municipality.objects.order_by("pk")).first()
    if municipality is None:
        raise Http404
    return municipality


def _owners(user: Any, municipality: Municipality) -> list[tuple[str, str]]:
    """The plans the user may adopt: the shared one and the authorities' own."""
    owners = []
    if actions.may_adopt(user, None, municipality):
        owners.append((SHARED, _("The municipality's shared plan")))
    for authority in Authority.objects.valid_on().filter(municipality=municipality):
        if actions.may_adopt(user, authority, municipality):
            owners.append((str(authority.pk), str(authority)))
    return owners


def _plan(request: HttpRequest, pk: int) -> Plan:
    user = current_user(request)
    _staff_or_404(user)
    plans = Plan.objects.visible_to(user).select_related("authority", "municipality")
    return get_object_or_404(plans, pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    municipality = _municipality(user)
    plans = list(
        Plan.objects.visible_to(user)
        .filter(municipality=municipality)
        .select_related("authority")
        .order_by("authority__code", "-version")
    )
    today = timezone.localdate()
    in_force = set()
    owners: dict[Authority | None, list[Plan]] = {}
    for plan in plans:
        owners.setdefault(plan.authority, []).append(plan)
    for owner in owners:
        current = Plan.objects.in_force(owner, today, municipality=municipality)
        if current is not None and current.authority == owner:
            in_force.add(current.pk)
    return render(
        request,
        "retention/index.html",
        {
            "municipality": municipality,
            "shared": owners.pop(None, []),
            "owners": sorted(owners.items(), key=lambda item: item[0].code if item[0] else ""),
            "in_force": in_force,
            "may_import": bool(_owners(user, municipality)),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    rules = plan.rules.select_related("secrecy").order_by("position")
    today = timezone.localdate()
    current = Plan.objects.in_force(plan.authority, today, municipality=plan.municipality)
    return render(
        request,
        "retention/detail.html",
        {
            "plan": plan,
            "groups": by_process(rules),
            "in_force": current == plan,
            "later": plan.valid_from > today,
            "count": len(rules),
        },
    )


@login_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    owner = plan.authority.code if plan.authority else "kommunen"
    return csv_download(
        f"informationshanteringsplan-{owner}-v{plan.version}", HEADER, export_rows(plan)
    )


def _pdf_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@login_required
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    rules = list(plan.rules.select_related("secrecy").order_by("position"))
    data = plan_pdf(rules, authority=plan.authority, municipality=plan.municipality, plan=plan)
    owner = plan.authority.code if plan.authority else "kommunen"
    return _pdf_response(data, f"informationshanteringsplan-{owner}-v{plan.version}")


def _proposal(form: ImportForm, authority: Authority | None, municipality: Municipality) -> Any:
    """The proposal as PDF, or None with the file's faults on the form."""
    upload = form.cleaned_data["file"]
    try:
        sheet = read_plan_csv(upload.read())
    except FileRefused as exc:
        form.add_error("file", str(exc))
        return None
    errors = sheet.errors + (actions.check_rows(sheet.rows)[0] if sheet.rows else [])
    if errors:
        form.add_error("file", errors)
        return None
    rules = actions.draft_rules(sheet.rows)
    name = f"forslag-informationshanteringsplan-{authority.code if authority else 'kommunen'}"
    return _pdf_response(plan_pdf(rules, authority=authority, municipality=municipality), name)


def _adopt(
    request: HttpRequest, form: ImportForm, authority: Authority | None, municipality: Municipality
) -> HttpResponse | None:
    data = form.cleaned_data
    for name in form.sometimes_needed:
        if not data.get(name):
            form.add_error(name, _("This field is required."))
    if form.errors:
        return None
    try:
        plan, ignored = actions.do_import_plan(
            authority,
            data["file"].read(),
            valid_from=data["valid_from"],
            adopted_by=data["adopted_by"],
            decision_reference=data["decision_reference"],
            decision_date=data["decision_date"],
            actor=current_user(request),
            municipality=municipality,
        )
    except ValidationError as error:
        form.add_action_errors(error)
        return None
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("Version %(version)s of the plan was adopted with %(count)s rules.")
        % {"version": plan.version, "count": plan.rules.count()},
    )
    if ignored:
        messages.info(request, _("Columns not read: %(names)s.") % {"names": ", ".join(ignored)})
    return redirect("retention:detail", plan.pk)


@login_required
def import_plan(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    municipality = _municipality(user)
    owners = _owners(user, municipality)
    if not owners:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["file"].size > MAX_BYTES:
            form.add_error("file", _("The file is too large: at most 2 MB."))
        else:
            owner = form.cleaned_data["owner"]
            authority = None if owner == SHARED else Authority.objects.get(pk=owner)
            if request.POST.get("do") == "pdf":
                done = _proposal(form, authority, municipality)
            else:
                done = _adopt(request, form, authority, municipality)
            if done is not None:
                return done
    return render(request, "retention/import.html", {"form": form})
