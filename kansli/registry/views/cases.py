"""The case page: the case, its parties, related cases, documents with their
corrections, and the timeline; with the forms the viewer may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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
    return PartyView(party.name, party.role, [d for d in details if d], party.protected_identity)


def _shown(name: str, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if name == "direction" and value in Direction.values:
        return str(Direction(value).label)
    return str(value)


def correction_rows(correction: DocumentCorrection) -> list[tuple[str, str, str]]:
    """Field, value before and value after, for each field a correction changed."""
    rows = []
    for name, after in correction.after.items():
        label = str(getattr(Document._meta.get_field(name), "verbose_name", name))
        rows.append((label, _shown(name, correction.before.get(name)), _shown(name, after)))
    return rows


def case_documents(case: Case, user: Any) -> list[Document]:
    corrections = DocumentCorrection.objects.select_related("actor")
    documents = list(
        Document.objects.visible_to(user)
        .filter(case=case)
        .select_related("secrecy", "registered_by", "voided_by")
        .prefetch_related(
            Prefetch("corrections", queryset=corrections),
            Prefetch("files", queryset=DocumentFile.objects.filter(replaced_by__isnull=True)),
        )
        .order_by("number")
    )
    for document in documents:
        document.case = case  # for document_number without another query
        document.correction_list = [  # type: ignore[attr-defined]
            (c, correction_rows(c)) for c in document.corrections.all()
        ]
    return documents


def assignable(case: Case) -> bool:
    return case.status not in {CaseStatus.CLOSED, CaseStatus.VOIDED}


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = visible_case(request, pk)
    may = role_flags(user, case)
    parties = [party_view(p, may["see_protected"]) for p in case.parties.all()]
    related = (
        Case.objects.visible_to(user).filter(related=case).select_related("authority__municipality")
    )
    context = {
        "case": case,
        "may": may,
        "parties": parties,
        "related": related,
        "documents": case_documents(case, user),
        "timeline": case.timeline.select_related("actor"),
        "assign_form": AssignOfficerForm(case) if may["assign"] and assignable(case) else None,
        "status_form": (
            StatusForm(case, may_void=may["void"])
            if may["handle"] and TRANSITIONS[case.status]
            else None
        ),
    }
    return render(request, "registry/case_detail.html", context)
