"""The changes made from the case page: name the officer, change the status, change
the case's particulars or the day to decide by, relate it to another case, add a
party, and correct, void or secrecy-mark a document. Each has its own page for its form (and its
errors); the short ones are also on the case page itself."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kansli.access.actions import do_log_reads
from kansli.access.protected import hide_protected
from kansli.registry import actions
from kansli.registry.actions import CORRECTABLE, may_change_title
from kansli.registry.case_forms import ChangeCaseForm, DueDateForm, PartyForm, RelateCaseForm
from kansli.registry.forms import (
    AccessibleForm,
    AssignOfficerForm,
    CorrectDocumentForm,
    SecrecyForm,
    StatusForm,
    VoidDocumentForm,
)
from kansli.registry.models import Case, Document
from kansli.registry.models.cases import TRANSITIONS
from kansli.registry.views.cases import assignable
from kansli.registry.views.common import (
    current_user,
    require,
    role_flags,
    run_action,
    visible_case,
)

PARTY_FIELDS = ["role", "identity_number", "address", "email", "protected_identity"]


def _form_page(
    request: HttpRequest,
    case: Case,
    form: AccessibleForm,
    run: Callable[[dict[str, Any]], str],
    context: dict[str, Any],
) -> HttpResponse:
    """Show the form; on a valid POST run the action and go back to the case page with
    its message, or show the action's refusal next to the fields."""
    if request.method == "POST":
        back = reverse("registry:case", args=[case.pk])
        done = run_action(request, form, lambda: run(form.cleaned_data), back)
        if done:
            return done
    return render(request, "registry/case_action.html", context | {"case": case, "form": form})


def _document(case: Case, request: HttpRequest, number: int) -> Document:
    documents = Document.objects.visible_to(request.user).select_related("secrecy")
    document = get_object_or_404(documents, case=case, number=number)
    document.case = case
    return document


def _form_document(case: Case, request: HttpRequest, number: int) -> Document:
    """A document whose registration a form shows (correction, secrecy, voiding): the
    read of a secret one is logged."""
    document = _document(case, request, number)
    do_log_reads([document], "registration", actor=request.user)
    return document


def _shown(request: HttpRequest, document: Document) -> Document:
    """A copy of the document to show on a form's page: a protected identity hidden from
    whoever may not see it (the document itself goes to the action untouched)."""
    shown = copy.copy(document)
    hide_protected(request.user, [], [shown])
    return shown


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def assign_officer(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["assign"] and assignable(case))
    form = AssignOfficerForm(case, _data(request))

    def run(data: dict[str, Any]) -> str:
        actions.do_assign_officer(case, data["officer"], actor=user)
        name = data["officer"].get_full_name() or data["officer"].username
        return _("%(name)s is now the officer.") % {"name": name}

    context = {"heading": _("Assign an officer"), "submit": _("Assign")}
    return _form_page(request, case, form, run, context)


@login_required
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    may = role_flags(user, case)
    require(may["handle"] and bool(TRANSITIONS[case.status]))
    form = StatusForm(case, _data(request), may_void=may["void"])

    def run(data: dict[str, Any]) -> str:
        actions.do_change_case_status(case, data["status"], reason=data["reason"], actor=user)
        return _("The case is now %(status)s.") % {"status": case.get_status_display()}

    context = {"heading": _("Change the status"), "submit": _("Change status")}
    return _form_page(request, case, form, run, context)


@login_required
def change_case(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["handle"])
    if not may_change_title(user, case):
        raise Http404
    form = ChangeCaseForm(case, _data(request))

    def run(data: dict[str, Any]) -> str:
        changes = {name: data[name] for name in form.changed_data}
        if not changes:
            return _("Nothing was changed.")
        actions.do_change_case(case, actor=user, **changes)
        return _("The case is changed.")

    context = {"heading": _("Change the case"), "submit": _("Save the changes")}
    return _form_page(request, case, form, run, context)


@login_required
def set_due_date(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["handle"] and assignable(case))
    form = DueDateForm(_data(request), initial={"due_date": case.due_date})

    def run(data: dict[str, Any]) -> str:
        actions.do_set_due_date(case, data["due_date"], actor=user)
        if case.due_date is None:
            return _("The case has no day to decide by.")
        return _("The case is to be decided by %(day)s.") % {"day": case.due_date.isoformat()}

    context = {"heading": _("Decide by"), "submit": _("Save the day")}
    return _form_page(request, case, form, run, context)


@login_required
def relate_case(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["register"])
    form = RelateCaseForm(user, _data(request))

    def run(data: dict[str, Any]) -> str:
        actions.do_relate_cases(case, data["other"], actor=user)
        return _("The case is related to %(number)s.") % {"number": data["other"].case_number}

    context = {"heading": _("Relate to a case"), "submit": _("Relate")}
    return _form_page(request, case, form, run, context)


@login_required
def add_party(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a party; one with protected identity is then shown by the rule in
    common.role_flags (see_protected)."""
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["add_party"])
    form = PartyForm(_data(request))

    def run(data: dict[str, Any]) -> str:
        values = {name: data[name] for name in PARTY_FIELDS}
        actions.do_add_party(case, data["name"], actor=user, **values)
        return _("The party was added.")

    context = {"heading": _("Add a party"), "submit": _("Add the party")}
    return _form_page(request, case, form, run, context)


@login_required
def void_document(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["void"])
    document = _form_document(case, request, number)
    require(not document.is_voided)
    form = VoidDocumentForm(_data(request))

    def run(data: dict[str, Any]) -> str:
        actions.do_void_document(document, data["reason"], actor=user)
        return _("%(number)s is voided.") % {"number": document.document_number}

    context = {
        "heading": _("Void document %(number)s") % {"number": document.document_number},
        "document": _shown(request, document),
        "submit": _("Void the document"),
    }
    return _form_page(request, case, form, run, context)


@login_required
def correct_document(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["register"])
    document = _form_document(case, request, number)
    require(not document.is_voided)
    # Correcting a registration that names a protected person is for those who see it.
    shown = _shown(request, document)
    masked = ("counterpart", "description", "document_type")
    if any(getattr(shown, name) != getattr(document, name) for name in masked):
        raise Http404
    initial = {name: getattr(document, name) for name in CORRECTABLE}
    form = CorrectDocumentForm(_data(request), initial=initial, case=case)

    def run(data: dict[str, Any]) -> str:
        changes = {name: data[name] for name in CORRECTABLE if name in form.changed_data}
        if not changes:
            return _("Nothing was changed.")
        actions.do_correct_document(document, data["reason"], actor=user, **changes)
        return _("%(number)s is corrected.") % {"number": document.document_number}

    context = {
        "heading": _("Correct document %(number)s") % {"number": document.document_number},
        "document": _shown(request, document),
        "submit": _("Save the correction"),
    }
    return _form_page(request, case, form, run, context)


@login_required
def mark_secrecy(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user, case = current_user(request), visible_case(request, pk)
    require(role_flags(user, case)["register"])
    document = _form_document(case, request, number)
    initial = {
        "secrecy": document.secrecy_id,
        "withhold_counterpart": document.withhold_counterpart,
        "withhold_description": document.withhold_description,
    }
    form = SecrecyForm(_data(request), initial=initial)

    def run(data: dict[str, Any]) -> str:
        actions.do_mark_secrecy(
            document,
            data["secrecy"],
            withhold_counterpart=data["withhold_counterpart"],
            withhold_description=data["withhold_description"],
            reason=data["reason"],
            actor=user,
        )
        if data["secrecy"] is None:
            return _("%(number)s is no longer secrecy marked.") % {
                "number": document.document_number
            }
        return _("%(number)s is secrecy marked.") % {"number": document.document_number}

    context = {
        "heading": _("Secrecy marking of %(number)s") % {"number": document.document_number},
        "document": _shown(request, document),
        "submit": _("Save the marking"),
    }
    return _form_page(request, case, form, run, context)
