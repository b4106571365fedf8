"""A document's files from the case page: download any version of one, and add a file
or a new version of one (the earlier version is kept)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kansli.access.actions import do_log_read
from kansli.access.protected import hide_protected
from kansli.files.download import file_response
from kansli.files.storage import StorageUnavailable
from kansli.files.store import store_upload
from kansli.registry import actions
from kansli.registry.models import DocumentFile
from kansli.registry.views.case_actions import _data, _document, _form_page
from kansli.registry.views.cases import attach_form, case_documents
from kansli.registry.views.common import current_user, require, role_flags, visible_case


@login_required
@require_GET
def download(request: HttpRequest, pk: int, number: int, file_id: int) -> HttpResponseBase:
    """The stored bytes of a version of a document's file, as received, under its name.
    The document is read through the access gate, and the file must be one of its own:
    otherwise 404, the same as for one that does not exist. Fetching a secrecy-marked
    document's file is logged (behovsprincipen: only those who need it read it)."""
    user, case = current_user(request), visible_case(request, pk)
    document = _document(case, request, number)
    attached = get_object_or_404(
        DocumentFile.objects.select_related("stored"), document=document, pk=file_id
    )
    do_log_read(document, "file", stored_file=attached.stored, actor=user)
    return file_response(attached.stored, attached.name)


@login_required
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a file to one of the case's documents (?handling=3 chooses document 3)."""
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["register"])
    documents = case_documents(case, user)
    hide_protected(user, [], documents)  # the choices name them; nothing here saves them
    initial = {"document": request.GET.get("handling", "")}
    form = attach_form(documents, _data(request), request.FILES or None, initial=initial)
    require(bool(form.documents))

    def run(data: dict[str, Any]) -> str:
        document, upload = data["document"], data["upload"]
        with transaction.atomic():  # refused: the stored file's row goes too
            try:
                stored = store_upload(upload)
            except ValidationError as error:
                raise ValidationError({"upload": error.messages}) from error
            except StorageUnavailable as error:  # shown on the form, which keeps its values
                raise ValidationError({"upload": str(error)}) from error
            actions.do_attach_file(
                document, stored, upload.name or "", replaces=data["replaces"], actor=user
            )
        return _("%(name)s was added to %(number)s.") % {
            "name": upload.name,
            "number": document.document_number,
        }

    context = {"heading": _("Add a file"), "submit": _("Add the file")}
    return _form_page(request, case, form, run, context)
