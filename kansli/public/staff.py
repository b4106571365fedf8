"""The registrar's side of the e-diary: publishing a registered file with its entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.public.actions import do_publish_file
from kansli.registry.models import Document, DocumentFile


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a file of a registration the user can read (404 otherwise, as for a file
    that is not there); the action decides whether it may be published."""
    documents = Document.objects.visible_to(request.user)
    document_file = DocumentFile.objects.filter(pk=pk, document__in=documents).first()
    if document_file is None:
        raise Http404(_("Not found."))
    try:
        do_publish_file(document_file, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("%(name)s was not published: %(reason)s")
                       % {"name": document_file.name, "reason": text})  # fmt: skip
    else:
        messages.success(request, _("%(name)s is published in the e-diary.")
                         % {"name": document_file.name})  # fmt: skip
    return redirect("registry:case", pk=document_file.document.case_id)
