"""The person search page (GDPR art. 15) at /personuppgifter/: a form, the hits grouped
by source with those to review marked, and the register extract as PDF or CSV. Only
the authorities' registrars and archivists and superusers get it; everyone else 404.

The search is sent with POST only: the name and number are personal data and would
otherwise stay in addresses, the browser's history and the server's logs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kansli.privacy import actions
from kansli.privacy.extract import csv_response, pdf_response
from kansli.privacy.finder import Found
from kansli.privacy.forms import PersonSearchForm
from kansli.registry.views.common import current_user


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
    if request.method == "POST" and form.is_valid():
        authority = next(a for a in authorities if str(a.pk) == form.cleaned_data["authority"])
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
        {"form": form, "found": found, "authority_count": len(authorities)},
    )
