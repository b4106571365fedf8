"""The template pages (/mallar/): the nine kinds with their versions, a kind's page
with the upload of a new version (the system administrator's), the download of the
template that applies and the preview (HTML and PDF) with a made-up case or a case the
viewer may read; and, from the case page, any kind made from the case as DOCX or PDF,
through the read gate."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kansli.access.rules import employed_in, works_in_an_authority
from kansli.drafting import actions
from kansli.drafting.forms import PreviewForm, UploadForm
from kansli.drafting.kinds import KINDS
from kansli.drafting.models import TemplateVersion, current_template, newest
from kansli.drafting.render import (
    case_context,
    render_docx,
    render_html,
    render_pdf,
    sample_context,
)
from kansli.org.models import Authority, User
from kansli.org.permissions import is_sysadmin
from kansli.registry.casenumber import parse_case_number
from kansli.registry.models import Case
from kansli.registry.views.common import current_user, visible_case

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


def _staff(request: HttpRequest) -> User:
    """The templates are the staff's and the system administrator's."""
    user = current_user(request)
    if not (is_sysadmin(user) or works_in_an_authority(user)):
        raise PermissionDenied
    return user


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


def _home_authority(user: User) -> Authority:
    """The authority whose templates and profile the user sees: the first one the user
    works in, else (a system administrator) the first there is."""
    authority = employed_in(user).order_by("pk").first()
    authority = authority or Authority.objects.valid_on().order_by("pk").first()
    if authority is None:
        raise Http404
    return authority


def _download(data: bytes, name: str, content_type: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    authority = _home_authority(user)
    kinds = [(key, kind.title, newest(key, authority)) for key, kind in KINDS.items()]
    return render(request, "drafting/index.html", {"kinds": kinds, "authority": authority})


@login_required
def kind(request: HttpRequest, kind: str) -> HttpResponse:
    user = _staff(request)
    kind = _kind(kind)
    authority = _home_authority(user)
    admin = is_sysadmin(user)
    form = UploadForm(request.POST or None, request.FILES or None) if admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    version = actions.do_upload_template(
                        kind, form.cleaned_data["file"],
                        municipality=form.cleaned_data["municipality"],
                        authority=form.cleaned_data["authority"], actor=user,
                    )  # fmt: skip
            except ValidationError as error:
                form.add_action_errors(error)
            else:
                messages.success(request, _("Version %(n)s is uploaded.") % {"n": version.version})
                return redirect("drafting:kind", kind)
    versions = TemplateVersion.objects.filter(kind=kind).select_related(
        "municipality", "authority", "uploaded_by"
    )
    return render(
        request,
        "drafting/kind.html",
        {
            "kind": kind,
            "title": KINDS[kind].title,
            "authority": authority,
            "versions": versions,
            "form": form,
            "preview_form": PreviewForm(),
        },
    )


@login_required
def download(request: HttpRequest, kind: str) -> FileResponse:
    authority = _home_authority(_staff(request))
    kind = _kind(kind)
    return _download(current_template(kind, authority), f"mall-{kind}.docx", DOCX_MIME)


def _preview_source(request: HttpRequest, user: User) -> tuple[Authority, dict[str, object]]:
    """The made-up case, or the case named by ?case= that the viewer may read (another
    answers 404, as a missing one does)."""
    text = request.GET.get("case", "").strip()
    if not text:
        authority = _home_authority(user)
        return authority, sample_context(authority)
    number = parse_case_number(text)
    if number is None or number.series is None:
        raise Http404
    cases = Case.objects.visible_to(user).select_related("authority__municipality", "officer")
    case = get_object_or_404(cases.numbered(number.series, number.year, number.number))
    return case.authority, case_context(case, viewer=user)


@login_required
def preview(request: HttpRequest, kind: str) -> HttpResponse:
    user = _staff(request)
    kind = _kind(kind)
    authority, context = _preview_source(request, user)
    response = HttpResponse(render_html(kind, context, authority=authority))
    # The document's own style sheet is inline (as WeasyPrint reads it); it is let in
    # for this page alone, which has no script and whose text is escaped.
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


@login_required
def preview_pdf(request: HttpRequest, kind: str) -> HttpResponse:
    user = _staff(request)
    kind = _kind(kind)
    authority, context = _preview_source(request, user)
    data = render_pdf(kind, context, authority=authority)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}.pdf"'
    return response


@login_required
def produce(request: HttpRequest, pk: int, kind: str, fmt: str) -> FileResponse:
    """Any kind made from the case, for one who may read it (404 otherwise), with the
    parties as the viewer may see them."""
    user = current_user(request)
    case = visible_case(request, pk)
    kind = _kind(kind)
    context = case_context(case, viewer=user)
    name = f"{kind}-{case.year}-{case.number}"
    if fmt == "docx":
        data = render_docx(kind, context, authority=case.authority)
        return _download(data, f"{name}.docx", DOCX_MIME)
    if fmt == "pdf":
        return _download(render_pdf(kind, context, authority=case.authority), f"{name}.pdf",
                         "application/pdf")  # fmt: skip
    raise Http404
