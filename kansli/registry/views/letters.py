"""Handläggningsbesked: the acknowledgement letter to the sender, as a PDF download,
and its registration as an outgoing document with the PDF as its file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.protected import hide_for
from kansli.access.rules import may_read
from kansli.files.store import store_bytes
from kansli.registry import actions
from kansli.registry.models import Case, Direction, Document
from kansli.registry.pdf import Recipient, acknowledgement_pdf, first_incoming
from kansli.registry.secrecy import case_markings
from kansli.registry.views.common import current_user, require, role_flags, visible_case

LETTER = "Handläggningsbesked"


def _letter_case(request: HttpRequest, pk: int) -> tuple[Any, Case, dict[str, bool]]:
    user, case = current_user(request), visible_case(request, pk)
    may = role_flags(user, case)
    require(may["register"] or may["handle"])
    if case.officer is None:
        raise Http404("no officer yet")
    return user, case, may


def _incoming(case: Case, user: Any) -> Document | None:
    """The first incoming document, when the user may read it: the sender of a
    secrecy-marked letter is not put in a letter by someone outside its access group."""
    incoming = first_incoming(case)
    return incoming if incoming is not None and may_read(user, incoming) else None


def _letter(case: Case, user: Any, may: dict[str, bool]) -> tuple[str, bytes]:
    """The file name and the PDF. The sender of the first incoming document is the
    recipient, unless the case has a protected identity the user may not see."""
    incoming = _incoming(case, user)
    recipient = None
    hidden = case.parties.filter(protected_identity=True).exists() and not may["see_protected"]
    if incoming is not None and incoming.counterpart and not hidden:
        recipient = Recipient(incoming.counterpart, incoming.counterpart_address)
    pdf = acknowledgement_pdf(
        case,
        recipient,
        received=incoming.document_date if incoming else None,
        title=hide_for(user, case)(case.title),
    )
    return slugify(f"handlaggningsbesked {case.case_number}") + ".pdf", pdf


@login_required
def acknowledgement(request: HttpRequest, pk: int) -> HttpResponse:
    user, case, may = _letter_case(request, pk)
    name, pdf = _letter(case, user, may)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def register_acknowledgement(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the letter as an outgoing document to the sender of the first incoming
    one, with the same secrecy marking for the sender, and the PDF as its file."""
    user, case, may = _letter_case(request, pk)
    require(may["register"])
    name, pdf = _letter(case, user, may)
    with transaction.atomic():
        document = _register_letter(case, _incoming(case, user), user)
        actions.do_attach_file(document, store_bytes(pdf, name), name, actor=user)
    messages.success(request, _("Registered as %(number)s") % {"number": document.document_number})
    return redirect("registry:case", pk=case.pk)


def _register_letter(case: Case, incoming: Document | None, user: Any) -> Document:
    """The letter is drawn up from the case: it carries the strongest secrecy marking of
    the case's documents (kansli.registry.secrecy), the sender's withholding with it."""
    return actions.do_register_document(
        case,
        Direction.OUTGOING,
        timezone.localdate(),
        LETTER,
        counterpart=incoming.counterpart if incoming else "",
        counterpart_address=incoming.counterpart_address if incoming else "",
        document_type=LETTER,
        inherited=case_markings(case),
        actor=user,
    )
