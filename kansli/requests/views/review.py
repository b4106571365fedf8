"""The review of one document asked for, its referral, and the changes to a request's
list of documents. Each has its own page for its form and errors; a request or item
the user may not see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kansli.access.actions import do_log_reads
from kansli.access.protected import hide_protected
from kansli.access.rules import may_read, visible_documents
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Document
from kansli.registry.views.common import current_user, run_action
from kansli.requests.actions.intake import do_add_item, do_link_item, do_remove_item
from kansli.requests.actions.review import do_refer_item, do_review_item
from kansli.requests.intake_forms import ItemForm, LinkForm, find_document
from kansli.requests.models import AccessRequest, RequestedItem
from kansli.requests.review_forms import ReferForm, ReviewForm
from kansli.requests.views.overview import visible_item


def _page(
    request: HttpRequest, item: RequestedItem | None, made: AccessRequest,
    form: AccessibleForm, run: Callable[[], str], heading: str, submit: str,
) -> HttpResponse:  # fmt: skip
    back = reverse("requests:detail", args=[made.pk])
    if request.method == "POST":
        done = run_action(request, form, run, back)
        if done:
            return done
    readable = (
        item is not None and item.document is not None and may_read(request.user, item.document)
    )
    if readable:
        assert item is not None and item.document is not None
        do_log_reads([item.document], "registration", actor=request.user)
        hide_protected(request.user, [], [item.document])
    context = {"item": item, "readable": readable, "made": made, "form": form,
               "heading": heading, "submit": submit}  # fmt: skip
    return render(request, "requests/review_form.html", context)


def _document(user: Any, number: str) -> Document:
    found = find_document(number, visible_documents(Document.objects.all(), user))
    if found is None:
        raise ValidationError({"number": _("No registered document with that number.")})
    return found


@never_cache
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = visible_item(request, pk)
    initial: dict[str, Any] = {}
    if item.reviewed_at:
        initial = {"review": item.review, "provisions": list(item.provisions.all()),
                   "conditions": item.conditions, "reasons": item.reasons}  # fmt: skip
    form = ReviewForm(request.POST or None, initial=initial)

    def run() -> str:
        data = form.cleaned_data
        do_review_item(
            item, data["review"], provisions=data["provisions"],
            conditions=data["conditions"], reasons=data["reasons"], actor=user,
        )  # fmt: skip
        return _("The review of %(item)s was saved.") % {"item": item}

    return _page(request, item, item.request, form, run, _("Review the document"), _("Save"))


@never_cache
@login_required
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = visible_item(request, pk)
    form = ReferForm(request.POST or None)

    def run() -> str:
        data = form.cleaned_data
        do_refer_item(item, data["to"], data["note"], actor=user)
        return _("%(item)s was referred to %(to)s.") % {"item": item, "to": data["to"]}

    return _page(request, item, item.request, form, run, _("Refer to another authority"),
                 _("Refer"))  # fmt: skip


@never_cache
@login_required
def link(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = visible_item(request, pk)
    form = LinkForm(request.POST or None)

    def run() -> str:
        do_link_item(item, _document(user, form.cleaned_data["number"]), actor=user)
        return _("The document was linked.")

    return _page(request, item, item.request, form, run, _("Link to a registered document"),
                 _("Link"))  # fmt: skip


@never_cache
@login_required
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    made = get_object_or_404(AccessRequest.objects.visible_to(user), pk=pk)
    form = ItemForm(request.POST or None)

    def run() -> str:
        data = form.cleaned_data
        document = _document(user, data["number"]) if data["number"] else None
        do_add_item(made, document=document, description=data["description"], actor=user)
        return _("The document was added to the request.")

    return _page(request, None, made, form, run, _("Add a document asked for"), _("Add"))


@require_POST
@login_required
def remove_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = visible_item(request, pk)
    form = AccessibleForm(request.POST)

    def run() -> str:
        do_remove_item(item, actor=user)
        return _("The document was removed from the request.")

    return _page(request, item, item.request, form, run, _("Remove the document asked for"),
                 _("Remove"))  # fmt: skip
