"""The handbook pages: the staff's handbook (list, search, a page, its versions, writing
and editing) and the public handbook beside the public e-diary. A page the reader may
not read answers 404 like one that does not exist."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.access.rules import reader
from kansli.drafting.kinds import KINDS
from kansli.handbook import actions
from kansli.handbook.forms import RoutineForm
from kansli.handbook.models import Routine, Step
from kansli.handbook.text import render as render_body
from kansli.handbook.text import search
from kansli.org.models import Municipality
from kansli.registry.views.common import current_user


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


def _expiry(routines: list[Routine], today: datetime.date) -> dict[str, list[Routine]]:
    soon = today + datetime.timedelta(days=actions.REMIND_DAYS)
    return {
        "expired": [r for r in routines if r.valid_until and r.valid_until < today],
        "expiring": [r for r in routines if r.valid_until and today <= r.valid_until <= soon],
    }


def template_links(routine: Routine) -> list[tuple[str, str]]:
    """The drafting app's templates the page points to (/mallar/<kind>/)."""
    return [(KINDS[k].title, reverse("drafting:kind", args=[k])) for k in routine.kind_list]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    query = request.GET.get("q", "").strip()
    routines = list(Routine.objects.visible_to(user).select_related("owner"))
    by_step = [(label, [r for r in routines if key in r.step_list]) for key, label in Step.choices]
    return render(
        request,
        "handbook/index.html",
        {
            "query": query,
            "hits": search(user, query) if query else None,
            "by_step": by_step,
            "routines": routines,
            "may_write": actions.may_edit(user, _municipality(user)),
            **_expiry(routines, timezone.localdate()),
        },
    )


def _detail(request: HttpRequest, routine: Routine, public: bool) -> HttpResponse:
    user = request.user
    return render(
        request,
        "handbook/detail.html",
        {
            "routine": routine,
            "body": render_body(routine.body),
            "templates": template_links(routine),
            "public_view": public,
            "may_edit": not public and actions.may_edit(user, routine.municipality, routine),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    routine = get_object_or_404(Routine.objects.visible_to(user), pk=pk)
    return _detail(request, routine, public=False)


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    routine = get_object_or_404(Routine.objects.visible_to(user), pk=pk)
    return render(
        request,
        "handbook/versions.html",
        {"routine": routine, "versions": routine.versions.select_related("author")},
    )


@login_required
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    routine = get_object_or_404(Routine.objects.visible_to(user), pk=pk)
    old = get_object_or_404(routine.versions.select_related("author"), number=number)
    return render(
        request,
        "handbook/version.html",
        {"routine": routine, "old": old, "body": render_body(old.body)},
    )


def _save(
    request: HttpRequest, form: RoutineForm, routine: Routine | None, municipality: Municipality
) -> HttpResponse | None:
    """Call the action for a valid form and go to the page; on refusal put the reason on
    the form and answer None, for the caller to show the form again."""
    if not form.is_valid():
        return None
    user = current_user(request)
    try:
        if routine is None:
            routine = actions.do_create_routine(municipality, actor=user, **form.cleaned_data)
        else:
            routine = actions.do_edit_routine(routine, actor=user, **form.cleaned_data)
    except ValidationError as error:
        form.add_action_errors(error)
        return None
    except PermissionDenied as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _("The page was saved."))
    return redirect("handbook:detail", routine.pk)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    municipality = _municipality(user)
    if not actions.may_edit(user, municipality):
        raise Http404
    form = RoutineForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and (done := _save(request, form, None, municipality)):
        return done
    return render(
        request,
        "handbook/form.html",
        {"form": form, "heading": _("New page"), "cancel": reverse("handbook:index")},
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    _staff_or_404(user)
    routine = get_object_or_404(Routine.objects.visible_to(user), pk=pk)
    if not actions.may_edit(user, routine.municipality, routine):
        raise Http404
    initial = {
        "title": routine.title, "body": routine.body, "document_type": routine.document_type,
        "owner": routine.owner, "approving_authority": routine.approving_authority,
        "approving_body": routine.approving_body, "valid_until": routine.valid_until,
        "public": routine.public, "steps": routine.step_list,
        "template_kinds": routine.kind_list,
    }  # fmt: skip
    form = RoutineForm(request.POST or None, initial=initial, municipality=routine.municipality)
    if request.method == "POST" and (done := _save(request, form, routine, routine.municipality)):
        return done
    return render(
        request,
        "handbook/form.html",
        {
            "form": form,
            "heading": _("Edit %(title)s") % {"title": routine.title},
            "cancel": reverse("handbook:detail", args=[routine.pk]),
        },
    )


def public_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "handbook/public_index.html",
        {
            "query": query,
            "hits": search(None, query, public_only=True) if query else None,
            "routines": Routine.objects.public(),
        },
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    routine = get_object_or_404(Routine.objects.public(), pk=pk)
    return _detail(request, routine, public=True)
