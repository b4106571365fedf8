"""The case page: the case, its parties, related cases, documents with their files
(every version) and corrections, and the timeline; with the forms the viewer may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kansli.access.actions import do_log_reads, may_move_cases
from kansli.access.forms import CaseGroupForm
from kansli.access.protected import hide_for, hide_protected
from kansli.registry.actions import may_change_title
from kansli.registry.case_forms import (
    AttachFileForm,
    ChangeCaseForm,
    DueDateForm,
    PartyForm,
    RelateCaseForm,
)
from kansli.registry.forms import AssignOfficerForm, StatusForm
from kansli.registry.models import (
    Case,
    CaseStatus,
    Direction,
    Document,
    DocumentCorrection,
    DocumentFile,
    Party,
)
from kansli.registry.models.cases import TRANSITIONS
from kansli.registry.views.common import current_user, role_flags, visible_case


@dataclass
class PartyView:
    name: str
    role: str
    details: list[str]
    protected: bool


def party_view(party: Party, see_protected: bool) -> PartyView:
    """A party as the viewer may see it: a protected identity shows no name, number or
    address unless the viewer handles the case or registers for the authority."""
    if party.protected_identity and not see_protected:
        return PartyView(_("Protected identity"), party.role, [], True)
    details = [party.identity_number, party.address, party.email]
    if party.protected_identity:
        details.append(_("reference for post %(reference)s") % {"reference": party.post_reference})
    return PartyView(party.name, party.role, [d for d in details if d], party.protected_identity)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if name == "direction" and value in Direction.values:
        return str(Direction(value).label)
    return str(value)


def correction_rows(
    correction: DocumentCorrection, hide: Callable[[str], str]
) -> list[tuple[str, str, str]]:
    """Field, value before and value after, for each field a correction changed, with
    what `hide` hides (a protected identity, for who may not see it) hidden."""
    rows = []
    for name, after in correction.after.items():
        label = str(getattr(Document._meta.get_field(name), "verbose_name", name))
        before = _shown(name, correction.before.get(name))
        rows.append((label, hide(before), hide(_shown(name, after))))
    return rows


@dataclass
class FileRow:
    """A document's current file and its earlier versions, the newest first."""

    file: DocumentFile
    earlier: list[DocumentFile]


def file_rows(files: list[DocumentFile]) -> list[FileRow]:
    """The current files (those no later version replaces), each with the chain of
    versions it replaced."""
    by_pk = {f.pk: f for f in files}
    replaced = {f.replaces_id for f in files if f.replaces_id is not None}
    rows = []
    for current in files:
        if current.pk in replaced:
            continue
        earlier, at = [], current.replaces_id
        while at is not None and at in by_pk:
            earlier.append(by_pk[at])
            at = by_pk[at].replaces_id
        rows.append(FileRow(current, earlier))
    return rows


def case_documents(case: Case, user: Any) -> list[Document]:
    corrections = DocumentCorrection.objects.select_related("actor")
    documents = list(
        Document.objects.visible_to(user)
        .filter(case=case)
        .select_related("secrecy", "secrecy_marked_by", "registered_by", "voided_by")
        .prefetch_related(
            Prefetch("corrections", queryset=corrections),
            Prefetch("files", queryset=DocumentFile.objects.select_related("stored")),
        )
        .order_by("number")
    )
    hide = hide_for(user, case)
    for document in documents:
        document.case = case  # for document_number without another query
        document.correction_list = [  # type: ignore[attr-defined]
            (c, correction_rows(c, hide)) for c in document.corrections.all()
        ]
        document.file_rows = file_rows(list(document.files.all()))  # type: ignore[attr-defined]
    return documents


def attach_form(documents: list[Document], *args: Any, **kwargs: Any) -> AttachFileForm:
    """The form for a file of one of these documents (the voided ones take none)."""
    open_documents = [d for d in documents if not d.is_voided]
    current = {
        d.number: [row.file for row in d.file_rows]  # type: ignore[attr-defined]
        for d in open_documents
    }
    return AttachFileForm(open_documents, current, *args, **kwargs)


def assignable(case: Case) -> bool:
    return case.status not in {CaseStatus.CLOSED, CaseStatus.VOIDED}


def case_forms(user: Any, case: Case, may: dict[str, bool]) -> dict[str, Any]:
    """The forms for the case itself that the viewer may use, as the actions decide:
    made before the page hides protected names from the case's title."""
    group_form = CaseGroupForm(case) if may_move_cases(user, case.authority) else None
    return {
        "change_form": (
            ChangeCaseForm(case)
            if may["handle"] and assignable(case) and may_change_title(user, case)
            else None
        ),
        "due_form": (
            DueDateForm(initial={"due_date": case.due_date})
            if may["handle"] and assignable(case)
            else None
        ),
        "relate_form": RelateCaseForm(user) if may["register"] else None,
        "group_form": group_form if group_form and group_form.has_choice() else None,
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = visible_case(request, pk)
    may = role_flags(user, case)
    forms = case_forms(user, case, may)
    parties = [party_view(p, may["see_protected"]) for p in case.parties.all()]
    related = list(
        Case.objects.visible_to(user).filter(related=case).select_related("authority__municipality")
    )
    documents = case_documents(case, user)
    do_log_reads(documents, "registration", actor=user)
    hide_protected(user, [case, *related], documents)
    files_form = attach_form(documents) if may["register"] else None
    context = {
        "case": case,
        "may": may,
        "parties": parties,
        "related": related,
        "documents": documents,
        # That they are registered is public (OSL 5 kap. 2 §), as in the e-diary; what
        # they are is for those who read them.
        "withheld": case.documents.count() - len(documents),
        "attach_form": files_form if files_form and files_form.documents else None,
        "party_form": PartyForm() if may["add_party"] else None,
        "timeline": case.timeline.select_related("actor"),
        "assign_form": AssignOfficerForm(case) if may["assign"] and assignable(case) else None,
        "status_form": (
            StatusForm(case, may_void=may["void"])
            if may["handle"] and TRANSITIONS[case.status]
            else None
        ),
        **forms,
    }
    return render(request, "registry/case_detail.html", context)
