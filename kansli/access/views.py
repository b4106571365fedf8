"""Pages for overseeing access: who has access to a case and why (with granting and
group membership for managers), the case's access group (chosen from the case page),
and the read log of secret documents, per document and per user, as a page or CSV."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access import actions
from kansli.access.forms import CaseGroupForm, GrantForm, PersonForm
from kansli.access.models import Membership
from kansli.access.overview import who_has_access
from kansli.access.rules import may_oversee_access, may_see_read_log
from kansli.audit.models import AuditEvent
from kansli.org.models import Role, RoleAssignment, User
from kansli.registry.models import Case, Document
from kansli.registry.views.common import current_user, require, run_action, visible_case
from kansli.web.csvfile import csv_download

READ_ROWS = 1000  # on the page and in its CSV, newest first
WHAT = {"file": _("file"), "text": _("text"), "registration": _("registration")}


def _case(request: HttpRequest, pk: int) -> Case:
    """A case the user may see and whose access the user oversees (404 otherwise)."""
    case = visible_case(request, pk)
    require(may_oversee_access(request.user, case.authority_id))
    return case


def _municipality(case: Case) -> int:
    return case.authority.municipality_id


@login_required
def case_access(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    manages = may_see_read_log(request.user, case.authority_id)
    context = {
        "case": case,
        "rows": who_has_access(case),
        "manages": manages,
        "grant_form": GrantForm(_municipality(case), auto_id="grant_%s"),
        "member_form": PersonForm(_municipality(case), auto_id="member_%s"),
        "secret_documents": case.documents.filter(secrecy__isnull=False).order_by("number"),
    }
    return render(request, "access/case_access.html", context)


def _run(request: HttpRequest, case: Case, form: Any, run: Any, heading: str) -> HttpResponse:
    done = run_action(
        request, form, lambda: run(form.cleaned_data), reverse("access:case", args=[case.pk])
    )
    if done:
        return done
    context = {"case": case, "form": form, "heading": heading, "submit": heading}
    return render(request, "registry/case_action.html", context)


@login_required
def grant_access(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), _case(request, pk)
    data = request.POST if request.method == "POST" else None
    form = GrantForm(_municipality(case), data)

    def run(data: dict[str, Any]) -> str:
        actions.do_grant_access(case, data["user"], data["reason"], last_day=data["last_day"],
                                actor=user)  # fmt: skip
        return _("Access granted.")

    if data is None:
        return render(request, "registry/case_action.html", {
            "case": case, "form": form, "heading": _("Grant access"), "submit": _("Grant access"),
        })  # fmt: skip
    return _run(request, case, form, run, _("Grant access"))


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = current_user(request), _case(request, pk)
    form = PersonForm(_municipality(case), request.POST)
    if case.access_group is None:
        form.add_error(None, _("The case has no access group."))

    def run(data: dict[str, Any]) -> str:
        assert case.access_group is not None
        actions.do_add_member(case.access_group, data["user"], actor=user)
        return _("Added to the access group.")

    return _run(request, case, form, run, _("Add to the access group"))


@login_required
@require_POST
def end_membership(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    user, case = current_user(request), _case(request, pk)
    found = get_object_or_404(Membership, pk=membership, group_id=case.access_group_id)
    try:
        actions.do_end_membership(found, actor=user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The membership has ended."))
    return redirect("access:case", pk=case.pk)


@login_required
def move_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Put the case in another access group of its authority, from the case page."""
    user, case = current_user(request), visible_case(request, pk)
    require(actions.may_move_cases(user, case.authority))
    form = CaseGroupForm(case, request.POST if request.method == "POST" else None)

    def run() -> str:
        group = form.cleaned_data["group"]
        actions.do_move_case_to_group(case, group, actor=user)
        return _("The case is now in the access group %(group)s.") % {"group": group.name}

    if request.method == "POST":
        done = run_action(request, form, run, reverse("registry:case", args=[case.pk]))
        if done:
            return done
    heading = _("Choose the access group")
    context = {"case": case, "form": form, "heading": heading, "submit": _("Move the case")}
    return render(request, "registry/case_action.html", context)


def _reads(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    """The newest READ_ROWS reads among `events`, which are filtered before the limit."""
    events = events.select_related("actor").order_by("-seq")
    rows = list(events[:READ_ROWS])
    ids = {int(event.object_id) for event in rows if event.object_id.isdigit()}
    documents = Document.objects.filter(pk__in=ids).select_related("case__authority__municipality")
    by_id = {str(document.pk): document for document in documents}
    return [
        {
            "event": event,
            "document": by_id.get(event.object_id),
            "what": WHAT.get((event.after or {}).get("what", ""), ""),
            "file": (event.after or {}).get("file"),
        }
        for event in rows
    ]


def _csv(rows: list[dict[str, Any]], name: str) -> HttpResponse:
    header = ["tid", "användare", "handling", "vad", "fil", "ip-adress", "begäran"]
    lines = (
        [timezone.localtime(row["event"].created_at).isoformat(timespec="seconds"),
         row["event"].actor_label, row["event"].object_label, row["what"], row["file"] or "",
         row["event"].client_ip or "", row["event"].request_id]
        for row in rows
    )  # fmt: skip
    return csv_download(name, header, lines)


@login_required
def document_reads(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Who has opened this secret document (managers and the data protection officer)."""
    case = visible_case(request, pk)
    require(may_see_read_log(request.user, case.authority_id))
    document = get_object_or_404(Document, case=case, number=number)
    events = AuditEvent.objects.filter(
        action=actions.READ_ACTION, object_type="registry.document", object_id=str(document.pk)
    )
    rows = _reads(events)
    if request.GET.get("format") == "csv":
        name = f"lasningar-{document.document_number}".replace(" ", "-").replace("/", "-")
        return _csv(rows, name)
    context = {"case": case, "document": document, "rows": rows}
    return render(request, "access/document_reads.html", context)


@login_required
def user_reads(request: HttpRequest, user_id: int) -> HttpResponse:
    """What this user has opened, among the documents of the authorities whose read
    log the viewer may see."""
    viewer = current_user(request)
    overseen = (
        RoleAssignment.objects.valid_on()
        .filter(user=viewer, role__in=[Role.MANAGER, Role.DATA_PROTECTION_OFFICER])
        .values_list("authority_id", flat=True)
    )
    require(bool(overseen))
    person = get_object_or_404(User, pk=user_id)
    # Filtered in the query, before the limit: reads in authorities the viewer does not
    # oversee must not push the ones they do off the page.
    overseen_documents = (
        Document.objects.filter(case__authority_id__in=list(overseen))
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    events = AuditEvent.objects.filter(
        action=actions.READ_ACTION,
        actor=person,
        object_type="registry.document",
        object_id__in=overseen_documents,
    )
    rows = [row for row in _reads(events) if row["document"] is not None]
    if request.GET.get("format") == "csv":
        return _csv(rows, f"lasningar-{person.username}")
    return render(request, "access/user_reads.html", {"person": person, "rows": rows})
