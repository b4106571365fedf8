"""Inkorgen: the registrar's inbox. Files and e-mails (.eml, Outlook .msg) are put in
it, wait there, newest first, and are registered from it as incoming documents, the
form pre-filled from the e-mail's sender, date and subject (OSL 5 kap. 1 §: a document
that has come in is registered without delay)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from kansli.files.download import file_response
from kansli.files.store import store_upload
from kansli.org.models import User
from kansli.registry import actions
from kansli.registry.forms import EXISTING_CASE
from kansli.registry.inbox_forms import InboxRegistrationForm, InboxUploadForm, initial_for
from kansli.registry.models import Document, InboxItem
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, require, waiting_items
from kansli.registry.views.lookups import possible_duplicates
from kansli.registry.views.register import ACTION_FIELDS, DOCUMENT_FIELDS

PER_PAGE = 50


def receive(data: dict[str, Any], user: User) -> list[InboxItem]:
    """Store each file and put it in the inbox, in one transaction: if one is refused
    (empty, too large, disguised, an e-mail that cannot be read) none is kept."""
    items = []
    with transaction.atomic():
        for upload in data["uploads"]:
            try:
                stored = store_upload(upload)
                item = actions.do_receive_in_inbox(
                    data["authority"], stored, upload.name or "", actor=user
                )
            except ValidationError as error:
                raise ValidationError(
                    {"uploads": [f"{upload.name}: {message}" for message in error.messages]}
                ) from error
            items.append(item)
    return items


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The waiting items, and the form that puts files in the inbox."""
    user = current_user(request)
    authorities = authorities_with(user, REGISTERING_ROLES)
    require(authorities.exists())
    posted = request.method == "POST"
    form = InboxUploadForm(
        authorities, request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        try:
            items = receive(form.cleaned_data, user)
        except ValidationError as error:
            form.add_action_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            count = len(items)
            messages.success(
                request,
                ngettext(
                    "%(count)d file was put in the inbox.",
                    "%(count)d files were put in the inbox.",
                    count,
                )
                % {"count": count},
            )
            return redirect("registry:inbox")
    page = Paginator(waiting_items(user), PER_PAGE).get_page(request.GET.get("sida"))
    context = {"form": form, "page": page, "several": authorities.count() > 1}
    return render(request, "registry/inbox.html", context)


def _item(request: HttpRequest, pk: int) -> InboxItem:
    """A waiting item of an authority the user registers for; 404 for any other."""
    user = current_user(request)
    require(authorities_with(user, REGISTERING_ROLES).exists())
    return get_object_or_404(waiting_items(user), pk=pk)


@login_required
@require_GET
def item_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The item's file as it came in, to read before registering it."""
    item = _item(request, pk)
    return file_response(item.stored, item.name)


def register_from_inbox(data: dict[str, Any], item: InboxItem, user: User) -> Document:
    """Call the action for a valid form: in a new case or in an existing one."""
    values = {name: data[name] for name in DOCUMENT_FIELDS} | {
        "document_date": data["document_date"],
        "counterpart": data["counterpart"],
        "description": data["description"],
        "personal_numbers_confirmed": bool(data.get("personal_numbers_ok")),
    }
    if data["mode"] == EXISTING_CASE:
        return actions.do_register_from_inbox(item, data["case"], actor=user, **values)
    return actions.do_register_from_inbox(
        item, None, title=data["title"], classification=data["classification"],
        unit=data["unit"], actor=user, **values,
    )  # fmt: skip


@login_required
def register_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Register an inbox item; its file (and an e-mail's attachments) become the new
    document's files."""
    user, item = current_user(request), _item(request, pk)
    if request.method == "POST":
        form = InboxRegistrationForm(user, item, data=request.POST)
        if form.is_valid():
            try:
                document = register_from_inbox(form.cleaned_data, item, user)
            except ValidationError as error:
                form.add_action_errors(error, ACTION_FIELDS)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Registered as %(number)s") % {"number": document.document_number}
                )
                return redirect("registry:case", pk=document.case_id)
        data: Any = form.data
        texts = [data.get("description", ""), data.get("title", "")]
        duplicates = possible_duplicates(user, data.get("counterpart", ""), texts)
    else:
        form = InboxRegistrationForm(user, item, initial=initial_for(item))
        duplicates = possible_duplicates(user, item.sender, [item.subject])
    context = {"form": form, "item": item, "duplicates": duplicates}
    return render(request, "registry/inbox_register.html", context)
