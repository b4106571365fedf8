"""The staff search page: one box over case numbers, titles, descriptions, senders,
parties and file text, and filters (authority, direction, case status, officer, the
document's dates), newest first. Results come from kansli.search, which applies the
same access gate as every other read."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kansli.access.actions import do_log_reads
from kansli.inputs import MAX_OFFSET
from kansli.org.models import Role
from kansli.org.permissions import holds_role
from kansli.registry.forms import SearchFiltersForm
from kansli.registry.models import Document
from kansli.registry.views.common import current_user
from kansli.search.actions import kept_query
from kansli.search.models import SavedSearch
from kansli.search.query import COUNT_CAP, DocumentHit, search
from kansli.search.querylang import parse_query
from kansli.search.snippets import file_snippets

PER_PAGE = 50


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    try:
        offset = min(MAX_OFFSET, max(0, int(request.GET.get("fran", "0"))))
    except ValueError:
        offset = 0
    user = current_user(request)
    form = SearchFiltersForm(request.GET, user=user)
    chosen = form.chosen() if form.is_valid() else {}
    wanted = (text or chosen) and form.is_valid()
    cap = COUNT_CAP if offset == 0 else None
    result = (
        search(user, text, limit=PER_PAGE, offset=offset, count_cap=cap, **chosen)
        if wanted
        else None
    )
    rows: list[dict[str, Any]] = []
    hits = result.hits if result else []  # rows, masked for the user (kansli.search)
    found = [h for h in hits if isinstance(h, DocumentHit)]
    # The read log wants the secret ones (rarely any) as the documents themselves.
    secret = [h.pk for h in found if h.secrecy_id is not None]
    if secret:
        shown = Document.objects.visible_to(user).filter(pk__in=secret)
        do_log_reads(shown.select_related("case__authority__municipality", "case__series"),
                     "registration", actor=request.user)  # fmt: skip
    words = [word for term in parse_query(text).terms for word in term.words]
    snippets = file_snippets(user, found, words)
    for hit in hits:
        if isinstance(hit, DocumentHit):
            rows.append({"case": hit.case, "document": hit, "snippet": snippets.get(hit.pk)})
        else:
            rows.append({"case": hit, "document": None})
    return render(
        request,
        "registry/search.html",
        {
            "q": text,
            "words": words,
            "count": result.count if result else None,
            "count_cap": COUNT_CAP,
            "by_relevance": bool(chosen.get("by_relevance")),
            "saved": SavedSearch.objects.filter(owner=user),
            "this_search": kept_query(request.GET.urlencode()),
            # The archivist and the data protection officer may hold what they found
            # (kansli.retention: legal holds).
            "may_hold": holds_role(user, [Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER]),
            "form": form,
            "filtered": bool(chosen),
            "query": _without_offset(request),
            "rows": rows,
            "searched": result is not None,
            "next_offset": offset + PER_PAGE if result and result.has_more else None,
        },
    )


def _without_offset(request: HttpRequest) -> str:
    """The query string for the next page: the words and filters, not the offset."""
    query = request.GET.copy()
    query.pop("fran", None)
    return query.urlencode()
