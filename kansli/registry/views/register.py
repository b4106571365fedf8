"""Registrera: the registrar's form for an incoming letter that starts a case, or a
document in an existing case."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kansli.files.storage import StorageUnavailable
from kansli.files.store import store_upload
from kansli.org.models import Authority, User
from kansli.registry import actions
from kansli.registry import kept_uploads as keeping
from kansli.registry.forms import EXISTING_CASE, NEW_CASE, RegistrationForm, find_case
from kansli.registry.models import Direction, Document
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, require
from kansli.registry.views.lookups import possible_duplicates

LAST_AUTHORITY = "registry_last_authority"
DOCUMENT_FIELDS = ["counterpart_address", "counterpart_is_private", "document_type", "secrecy",
                   "withhold_counterpart", "withhold_description", "open_reason"]  # fmt: skip
# Where an action's refusal belongs on the form.
ACTION_FIELDS = {"case": "case_number"}


def save_registration(data: dict[str, Any], user: User) -> Document:
    """Call the actions for a valid form; in one transaction, so nothing is saved if any
    of them refuses."""
    with transaction.atomic():
        document = _register(data, user)
        for stored, name in data.get("kept_uploads") or []:
            actions.do_attach_file(document, stored, name, actor=user)
        for upload in data.get("uploads") or []:
            try:
                stored = store_upload(upload)
            except ValidationError as error:
                raise ValidationError({"uploads": f"{upload.name}: {error.messages[0]}"}) from error
            except StorageUnavailable as error:  # shown on the form, which keeps its values
                raise ValidationError({"uploads": str(error)}) from error
            actions.do_attach_file(document, stored, upload.name or "", actor=user)
        return document


def _register(data: dict[str, Any], user: User) -> Document:
    document = {name: data[name] for name in DOCUMENT_FIELDS}
    document["personal_numbers_confirmed"] = bool(data.get("personal_numbers_ok"))
    counterpart = data["counterpart"]
    if data["mode"] == EXISTING_CASE:
        return actions.do_register_document(
            data["case"], data["direction"], data["document_date"], data["description"],
            counterpart=counterpart, actor=user, **document,
        )  # fmt: skip
    case_values = {"classification": data["classification"], "unit": data["unit"]}
    if data["direction"] == Direction.INCOMING:
        return actions.do_register_incoming(
            data["authority"], data["title"], data["document_date"], counterpart,
            description=data["description"], actor=user, **case_values, **document,
        )  # fmt: skip
    case = actions.do_register_case(data["authority"], data["title"], actor=user, **case_values)
    return actions.do_register_document(
        case, data["direction"], data["document_date"], data["description"] or data["title"],
        counterpart=counterpart, actor=user, **document,
    )  # fmt: skip


def _keep_uploads(form: RegistrationForm, user: User) -> keeping.Kept:
    """The files to carry into the form shown again, stored and named in its token."""
    cleaned = form.cleaned_data
    if "kept_uploads" not in cleaned or "uploads" in form.errors:
        return []
    try:
        kept = keeping.keep(cleaned.get("uploads") or [], cleaned["kept_uploads"])
    except ValidationError as error:  # the store's check refused it, or ran out of time
        form.add_error("uploads", error)
        return list(cleaned["kept_uploads"])
    values = cast(QueryDict, form.data).copy()
    values["kept_uploads"] = keeping.token(kept, user)
    form.data = values
    return kept


def _initial(request: HttpRequest, user: User, authorities: list[Authority]) -> dict[str, Any]:
    """Today's date and an incoming document (the form's own defaults), the authority
    used last or the only one, and the case named by ?arende=KS 2026/142."""
    initial: dict[str, Any] = {"mode": NEW_CASE}
    remembered = request.session.get(LAST_AUTHORITY)
    if any(a.pk == remembered for a in authorities):
        initial["authority"] = remembered
    elif len(authorities) == 1:
        initial["authority"] = authorities[0].pk
    case = find_case(user, request.GET.get("arende", ""))
    if case is not None:
        initial |= {"mode": EXISTING_CASE, "case_number": case.case_number, "case": case}
    return initial


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    authorities = authorities_with(user, REGISTERING_ROLES)
    require(authorities.exists())
    context: dict[str, Any] = {"duplicates": []}
    if request.method == "POST":
        form = RegistrationForm(user, authorities, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                document = save_registration(form.cleaned_data, user)
            except ValidationError as error:
                form.add_action_errors(error, ACTION_FIELDS)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                request.session[LAST_AUTHORITY] = document.case.authority_id
                messages.success(
                    request, _("Registered as %(number)s") % {"number": document.document_number}
                )
                return redirect("registry:case", pk=document.case_id)
        context["kept"] = _keep_uploads(form, user)
        data = form.data
        texts = [data.get("description", ""), data.get("title", "")]
        context["duplicates"] = possible_duplicates(user, data.get("counterpart", ""), texts)
    else:
        initial = _initial(request, user, [*authorities])
        form = RegistrationForm(user, authorities, initial=initial)
        if "case" in initial:
            context |= {"existing": True, "case_number": True, "checked_case": initial["case"]}
    return render(request, "registry/register.html", context | {"form": form})
