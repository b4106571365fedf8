"""The officer's report in the browser: the case's reports, the one-page editor with
its checks, the manager's approval, the Word round trip and the hand-in. Each view
parses input and calls one action (kansli.reports.actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.access.rules import may_see_protected_identities
from kansli.files.detect import DOCX
from kansli.org.models import Authority, Role, RoleAssignment
from kansli.org.permissions import is_sysadmin
from kansli.registry.permissions import has_role
from kansli.registry.views.common import current_user, role_flags, run_action, visible_case
from kansli.reports import actions
from kansli.reports import render as files
from kansli.reports.forms import ReportForm, ReturnForm, RulesForm, UploadForm
from kansli.reports.models import SECTIONS, Report, ReportRules, Status


def _report(request: HttpRequest, pk: int) -> Report:
    """A report the user may read; 404 otherwise, as for a missing one."""
    reports = Report.objects.visible_to(request.user).select_related(
        "case__authority__municipality",
        "case__officer",
        "meeting__body__authority",
        "written_by",
        "approved_by",
        "document__case__authority",
    )
    return get_object_or_404(reports, pk=pk)


def _may_write(user: Any, report: Report) -> bool:
    return not report.handed_in and _may_write_in(user, report.case)


def _may_write_in(user: Any, case: Any) -> bool:
    """Writes reports in the editor: handles the case (its officer, a registrar or a
    manager), and where it has a party with protected identity reads the name (its
    officer, a registrar), so that a text shown masked is never saved masked."""
    if not role_flags(user, case)["handle"]:
        return False
    protected = case.parties.filter(protected_identity=True).exists()
    return not protected or may_see_protected_identities(user, case)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """What the user is to do with reports: those waiting for the user's approval as a
    manager, and the user's own drafts not yet handed in (as officer or writer)."""
    user = current_user(request)
    readable = Report.objects.visible_to(user).select_related(
        "case__authority", "meeting__body__authority"
    )
    managed = RoleAssignment.objects.valid_on().filter(user=user, role=Role.MANAGER)
    to_approve = readable.filter(
        status=Status.ASKED, case__authority__in=managed.values("authority_id")
    ).exclude(written_by=user)
    drafts = readable.exclude(status=Status.HANDED_IN).filter(
        Q(written_by=user) | Q(case__officer=user)
    )
    lists = [list(to_approve[:50]), list(drafts[:50])]
    for report in lists[0] + lists[1]:
        shown = files.hider(user, report.case)(report.heading)
        report.shown_heading = shown  # type: ignore[attr-defined]
    context = {"to_approve": lists[0], "drafts": lists[1]}
    return render(request, "reports/mine.html", context)


@login_required
def case_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's reports, and a new one started (POST)."""
    user = current_user(request)
    case = visible_case(request, pk)
    if request.method == "POST":
        try:
            report = actions.do_start_report(case, actor=user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("reports:case", case.pk)
        return redirect("reports:report", report.pk)
    reports = list(Report.objects.visible_to(user).filter(case=case).select_related("written_by"))
    hide = files.hider(user, case)
    for report in reports:
        report.shown_heading = hide(report.heading)  # type: ignore[attr-defined]
    context = {
        "case": case,
        "case_title": hide(case.title),
        "reports": reports,
        "may_start": _may_write_in(user, case),
    }
    return render(request, "reports/case_reports.html", context)


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: saving, and saving then asking for approval or handing in, from the
    one form (one click for the officer)."""
    user = current_user(request)
    report = _report(request, pk)
    writable = _may_write(user, report)
    form = None
    if writable:
        form = ReportForm(request.POST or None, report=report, user=user, initial=_initial(report))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = run_action(
            request,
            form,
            lambda: _save_and(request, report, form, user),
            reverse("reports:report", args=[report.pk]),
            one_transaction=False,
        )
        if done:
            return done
        report = _report(request, pk)  # saved before a refused step: shown as it now is
    return _page(request, report, form=form, writable=writable)


def _save_and(request: HttpRequest, report: Report, form: ReportForm, user: Any) -> str:
    data = form.cleaned_data
    report = actions.do_save_report(
        report,
        heading=data["heading"],
        sections={k: data[k] for k in SECTIONS},
        appendices=list(data["appendices"]),
        meeting=data["meeting"],
        actor=user,
    )
    if "ask" in request.POST:
        actions.do_ask_approval(report, actor=user)
        return _("The report is saved and a manager is asked to approve it.")
    if "hand_in" in request.POST:
        try:
            report = actions.do_hand_in_report(report, actor=user)
        except ValidationError as error:
            # The draft stays saved; the refusal is shown with the checks.
            raise ValidationError({"hand_in": error.messages}) from error
        return _("The report is registered as %(number)s and is on the agenda of %(meeting)s.") % {
            "number": report.document.document_number if report.document else "",
            "meeting": report.meeting,
        }
    return _("The report is saved.")


def _initial(report: Report) -> dict[str, Any]:
    return {
        "heading": report.heading,
        **{key: getattr(report, key) for key in SECTIONS},
        "appendices": list(report.appendices.all()),
        "meeting": report.meeting,
    }


def _page(
    request: HttpRequest,
    report: Report,
    *,
    form: Any = None,
    writable: bool = False,
    upload_form: Any = None,
    return_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    case = report.case
    hide = files.hider(user, case)
    manager = has_role(user, case.authority, [Role.MANAGER])
    meeting = report.meeting
    context = {
        "report": report,
        "case": case,
        "case_title": hide(case.title),
        "form": form,
        "writable": writable,
        "shown": {
            "heading": hide(report.heading),
            **{key: hide(getattr(report, key)) for key in SECTIONS},
        },
        "appendices": [
            (d.document_number, hide(d.description))
            for d in report.appendices.select_related("case__authority")
        ],
        "problems": actions.hand_in_problems(report).values(),
        "requires_approval": actions.requires_approval(case.authority),
        "late": meeting is not None and timezone.localdate() > meeting.item_deadline,
        "may_approve": manager and report.status == Status.ASKED and report.written_by != user,
        "upload_form": upload_form or (UploadForm() if writable else None),
        "return_form": return_form or ReturnForm(),
        "versions": report.versions.select_related("added_by"),
    }
    return render(request, "reports/report.html", context, status=status)


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a DOCX to edit in Word, made for the reader (a protected party's
    name only for those who may see it)."""
    user = current_user(request)
    report = _report(request, pk)
    data = files.report_docx(report, user)
    response = HttpResponse(data, content_type=DOCX.mime)
    name = f"tjansteskrivelse-{report.case.year}-{report.case.number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    report = _report(request, pk)
    if not _may_write(user, report):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = actions.do_upload_version(report, form.cleaned_data["upload"], actor=user)
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the report is uploaded; its text is in the editor.")
                % {"version": version.version},
            )
            return redirect("reports:report", report.pk)
    editor = ReportForm(report=report, user=user, initial=_initial(report))
    return _page(request, report, form=editor, writable=True, upload_form=form, status=400)


def _manager_action(request: HttpRequest, pk: int, run: Any, done: str) -> HttpResponse:
    user = current_user(request)
    report = _report(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            run(report, form.cleaned_data["comment"], user)
        except ValidationError as error:
            form.add_action_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("reports:report", report.pk)
    return _page(request, report, writable=False, return_form=form, status=400)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _manager_action(
        request,
        pk,
        lambda r, _c, u: actions.do_approve_report(r, actor=u),
        _("The report is approved."),
    )


@login_required
@require_POST
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _manager_action(
        request,
        pk,
        lambda r, c, u: actions.do_return_report(r, c, actor=u),
        _("The report is returned to the officer."),
    )


@login_required
def rules(request: HttpRequest, code: str) -> HttpResponse:
    """A system administrator's setting for one authority: whether its reports need
    a manager's approval."""
    user = current_user(request)
    if not is_sysadmin(user):
        raise PermissionDenied
    authority = get_object_or_404(Authority.objects.valid_on(), code=code)
    current = ReportRules.objects.filter(authority=authority).first()
    initial = {"requires_approval": bool(current and current.requires_approval)}
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = run_action(
            request,
            form,
            lambda: _set_rules(authority, form, user),
            reverse("reports:rules", args=[authority.code]),
        )
        if done:
            return done
    return render(request, "reports/rules.html", {"authority": authority, "form": form})


def _set_rules(authority: Authority, form: RulesForm, user: Any) -> str:
    actions.do_set_report_rules(
        authority, requires_approval=form.cleaned_data["requires_approval"], actor=user
    )
    return _("The rule for officer's reports of %(authority)s is saved.") % {
        "authority": authority.code
    }
