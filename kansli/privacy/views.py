"""The person search page (GDPR art. 15) at /personuppgifter/: a form, the hits grouped
by source with those to review marked, and the register extract as PDF or CSV. Only
the authorities' registrars and archivists and superusers get it; everyone else 404.

The search is sent with POST only: the name and number are personal data and would
otherwise stay in addresses, the browser's history and the server's logs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kansli.privacy import actions, register
from kansli.privacy.extract import csv_response, pdf_response
from kansli.privacy.finder import LIMIT, Found
from kansli.privacy.forms import PersonSearchForm
from kansli.registry.views.common import current_user
from kansli.web.csvfile import csv_download


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def person_search(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    authorities = list(actions.searchable_authorities(user))
    if not authorities:
        raise Http404
    choices = [(str(a.pk), str(a)) for a in authorities]
    posted = request.POST if request.method == "POST" else None
    form = PersonSearchForm(posted, authorities=choices)
    found: Found | None = None
    erasure_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        authority = next(a for a in authorities if str(a.pk) == form.cleaned_data["authority"])
        if request.POST.get("format") == "erase":
            erasure_errors = _erase(request, authority, form)
        output = request.POST.get("format", "page")
        output = output if output in actions.OUTPUTS else "page"
        try:
            found = actions.do_search_person(authority, form.person(), output=output, actor=user)
        except ValidationError as error:
            form.add_action_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if output == "pdf":
                return pdf_response(found, made_by=str(user))
            if output == "csv":
                return csv_response(found)
    return render(
        request,
        "privacy/search.html",
        {
            "form": form,
            "found": found,
            "authority_count": len(authorities),
            "may_erase": found is not None and actions.may_erase(user, found.authority),
            "erasure_errors": erasure_errors,
        },
    )


def _erase(request: HttpRequest, authority: Any, form: PersonSearchForm) -> list[str]:
    """Carry out the erasure decision posted with the search; its errors, or []."""
    try:
        seqs = [int(value) for value in request.POST.getlist("seq")[:LIMIT]]
        count = actions.do_erase_from_audit(
            authority, form.person(), seqs, decision=request.POST.get("decision", "")[:1000],
            actor=current_user(request),
        )  # fmt: skip
    except ValueError:
        return [_("Choose the events among the hits.")]
    except ValidationError as error:
        return list(error.messages)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("The details of %(count)s audit events were forgotten.") % {"count": count},
    )
    return []


@login_required
@require_http_methods(["GET"])
def processing_register(request: HttpRequest) -> HttpResponse:
    """The record of processing activities (GDPR art. 30) of an authority the user keeps
    it for (kansli.privacy.register.READING_ROLES), as a page, CSV or PDF; 404 to
    anyone else, and for an authority asked for by `?myndighet=` that is not theirs."""
    user = current_user(request)
    authorities = list(register.may_read(user).order_by("code"))
    if not authorities:
        raise Http404
    asked = request.GET.get("myndighet")
    chosen = next((a for a in authorities if str(a.pk) == asked), None) if asked else None
    if asked and chosen is None:
        raise Http404
    chosen = chosen or authorities[0]
    output = request.GET.get("format")
    if output == "pdf":
        response = HttpResponse(register.register_pdf(chosen), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{register.file_name(chosen)}.pdf"'
        return response
    table = register.rows(chosen, register.processing_record(chosen))
    if output == "csv":
        return csv_download(register.file_name(chosen), [str(h) for h in register.HEADER], table)
    return render(
        request,
        "privacy/register.html",
        {"authorities": authorities, "chosen": chosen, "header": register.HEADER, "rows": table},
    )
