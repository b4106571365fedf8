"""The public e-diary (no login): search and browse every authority's registrations,
each as OSL 5 kap. 2 § asks and masked by kansli.public.record; a stable page per case;
the files a registrar has published. Answers may be cached for a short while, and each
client is held to a polite rate (ratelimit.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from kansli.access.rules import public_reads_file
from kansli.files.download import file_response
from kansli.inputs import MAX_OFFSET
from kansli.public.forms import DiarySearchForm
from kansli.public.models import PublishedFile
from kansli.public.pagecache import cached
from kansli.public.ratelimit import refused
from kansli.public.record import entries_for, entries_of, masks_for, scrub
from kansli.public.table import rows
from kansli.registry.models import Case, Document
from kansli.search.query import public_search

PER_PAGE = 20
View = Callable[..., HttpResponseBase]


def public_page(view: View) -> View:
    """Rate-limited (429 with Retry-After when over), kept in the server's cache and
    cacheable by browsers and proxies for a short while."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        response = cached(
            request, "page", lambda: view(request, *args, **kwargs),
            keep=lambda answer: answer.status_code == 200 and not answer.streaming,
        )  # fmt: skip
        if response.status_code == 200:
            # Kept elsewhere (a proxy, the browser) no longer than the server's own copy
            # may lag behind an addition: a secrecy marking passes the server's copies
            # over at once, and one kept out there for the cache's full minute would not.
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_NEW_SECONDS)
        return response

    return wrapped


@public_page
def diary(request: HttpRequest) -> HttpResponse:
    form = DiarySearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "entries": "", "searched": False}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            offset = min(MAX_OFFSET, max(0, int(request.GET.get("fran_rad", "0"))))
        except ValueError:
            offset = 0
        result = public_search(
            data["q"], authority=data["myndighet"], direction=data["riktning"] or None,
            date_from=data["fran"], date_to=data["till"], document_type=data["typ"] or None,
            limit=PER_PAGE, offset=offset,
        )  # fmt: skip
        query = request.GET.copy()
        query.pop("fran_rad", None)
        context |= {
            "entries": rows(entries_of(result.hits)),
            "searched": True,
            "offset": offset,
            "next": offset + PER_PAGE if result.has_more else None,
            "previous": max(0, offset - PER_PAGE) if offset else None,
            "query": query.urlencode(),
        }
    elif not form.is_bound:
        recent = public_search("", limit=PER_PAGE)
        context |= {"entries": rows(entries_of(recent.hits)), "recent": True}
    return render(request, "public/diary.html", context)


@public_page
def case(request: HttpRequest, code: str, year: int, number: int) -> HttpResponse:
    found = get_object_or_404(
        Case.objects.select_related("authority__municipality").numbered(code, year, number)
    )
    documents = list(
        Document.objects.filter(case=found)
        .select_related("case__authority__municipality", "secrecy")
        .prefetch_related("files__publication")
        .order_by("number")
    )
    entries = entries_for(documents)
    masks = masks_for(found)
    protected = bool(masks.protected)
    published = {
        document.pk: [
            f for f in document.files.all()
            if public_reads_file(document, f, document.files.all(), protected)
        ]
        for document in documents
    }  # fmt: skip
    context = {
        "case": found,
        "title": scrub(found.title, masks),
        "rows": [(entry, published[entry.document_id]) for entry in entries],
    }
    return render(request, "public/case.html", context)


@public_page
def published_file(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """A published file of an open registration; anything else is not found."""
    publication = get_object_or_404(
        PublishedFile.objects.select_related("document_file__stored", "document_file__document"),
        document_file_id=pk,
    )
    document_file = publication.document_file
    shown = public_reads_file(document_file.document, document_file)
    if not shown or document_file.name != name:
        raise Http404(_("Not found."))
    return file_response(document_file.stored, document_file.name, copy=True)
