"""Saving the staff search page's words and filters under a name, and removing a saved
search. The list is on the search page (kansli.registry.views.search); a saved search
is a link to that page with its words and filters, run through the gate each time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.search.actions import do_delete_saved_search, do_save_search, kept_query
from kansli.search.models import SavedSearch


def _search_page(query: str) -> str:
    return f"{reverse('registry:search')}?{query}" if query else reverse("registry:search")


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        saved = do_save_search(request.POST.get("name", ""), query, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(_search_page(kept_query(query)))
    messages.success(request, _("The search is saved as “%(name)s”.") % {"name": saved.name})
    return redirect(_search_page(saved.query))


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, owner=request.user)
    do_delete_saved_search(saved, actor=request.user)
    messages.success(request, _("The saved search “%(name)s” is removed.") % {"name": saved.name})
    return redirect("registry:search")
