"""The reviewer's redaction page (maskering): the document's pages as images, areas
drawn on them by mouse or found by searching (a name, a word, every personal identity
number), each with its provision; then the redacted copy's pages and the check of each
extractor. Whoever may not read the document gets 404, as for one that does not exist;
the page images are rendered on request, in a child process within limits
(kansli.redaction.limited), and not kept."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kansli.access.actions import do_log_read
from kansli.access.rules import may_read
from kansli.files.models import StoredFile
from kansli.redaction import limited
from kansli.redaction.areas import Area
from kansli.registry.models import SecrecyProvision
from kansli.registry.views.common import current_user
from kansli.requests.actions.redact import (
    MAX_AREAS,
    do_redact_item,
    not_verified_message,
    parse_needles,
    source_file,
    source_pdf,
)
from kansli.requests.models import AccessRequest, Redaction, RequestedItem

DPI = 110
MAX_BODY = 1_000_000  # the areas of a long document, as JSON


def readable_item(request: HttpRequest, pk: int, item_pk: int) -> RequestedItem:
    """The item of a request the user sees, whose document the user may read; 404
    otherwise, the same as for one that does not exist."""
    made = get_object_or_404(AccessRequest.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(
        made.items.select_related("request__case", "request__authority", "document__case"),
        pk=item_pk,
    )
    if item.document is None or not may_read(request.user, item.document):
        raise Http404
    return item


def _source(item: RequestedItem) -> tuple[bytes, StoredFile]:
    try:
        document_file = source_file(item)
        return source_pdf(document_file), document_file.stored
    except ValidationError as error:
        raise Http404 from error


def _png(pdf: bytes, page: int) -> HttpResponse:
    """The page as an image, rendered in a child process within limits (a crafted PDF
    can make a renderer run for hours); 404 for a page that is not there, as for one
    that cannot be rendered within them."""
    try:
        png = limited.page_image(pdf, page, DPI)
    except ValidationError as error:
        raise Http404 from error
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _pages(pdf: bytes) -> list[dict[str, Any]]:
    return [{"number": n, "width": round(w, 2), "height": round(h, 2)}
            for n, (w, h) in enumerate(limited.page_sizes(pdf, shown=True), start=1)]  # fmt: skip


def _own(pdf: bytes, values: list[Any], pages: int) -> list[Any]:
    """The areas drawn on the `pages` pages as shown, in the pages' own coordinates;
    what cannot be read is passed on as it came, for the action to refuse with its
    message."""
    read = []
    for number, value in enumerate(values[: MAX_AREAS + 1]):
        try:
            area = Area.from_json(value)
            if 1 <= area.page <= pages:
                read.append((number, area))
        except (KeyError, TypeError, ValueError):
            pass
    own = list(values)
    turned = limited.shown_areas(pdf, [area for _number, area in read], back=True)
    for (number, _area), area in zip(read, turned, strict=True):
        own[number] = area.as_json()
    return own


@never_cache
@login_required
def redact(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user = current_user(request)
    item = readable_item(request, pk, item_pk)
    assert item.document is not None
    pdf, stored = _source(item)
    errors: list[str] = []
    status = 200
    try:
        pages = _pages(pdf)
    except ValidationError as error:  # over the limits: nothing to mark on
        return render(request, "requests/redact_page.html",
                      {"item": item, "made": item.request, "pages": [],
                       "errors": error.messages}, status=422)  # fmt: skip
    if request.method == "POST":
        try:
            areas = json.loads(request.POST.get("areas") or "[]")
            needles = json.loads(request.POST.get("needles") or "[]")
            if not isinstance(areas, list) or not isinstance(needles, list):
                raise ValueError
            redaction = do_redact_item(
                item,
                _own(pdf, areas, len(pages)),
                needles=[str(n) for n in needles],
                actor=user,
            )
            return redirect("requests:redact-result", pk=pk, item_pk=item.pk,
                            redaction_pk=redaction.pk)  # fmt: skip
        except ValueError:
            errors, status = [_("The marked areas could not be read. Mark them again.")], 400
        except ValidationError as error:
            errors, status = error.messages, 400
        except PermissionDenied as error:
            errors, status = [str(error)], 403
    do_log_read(item.document, "file", stored_file=stored, actor=user)
    provisions = SecrecyProvision.objects.filter(active=True)
    context = {"item": item, "made": item.request, "pages": pages, "errors": errors,
               "provisions": provisions, "default": item.document.secrecy}  # fmt: skip
    return render(request, "requests/redact_page.html", context, status=status)


@login_required
def page_image(request: HttpRequest, pk: int, item_pk: int, page: int) -> HttpResponse:
    """A page of the document as an image: a read of its file, logged as such when it is
    secret (the page itself can be fetched without the redaction page)."""
    item = readable_item(request, pk, item_pk)
    assert item.document is not None
    pdf, stored = _source(item)
    shown = _png(pdf, page)
    do_log_read(item.document, "file", stored_file=stored, actor=current_user(request))
    return shown


@never_cache
@login_required
@require_POST
def search(request: HttpRequest, pk: int, item_pk: int) -> JsonResponse:
    """The areas of a search in the document, as JSON: `needles` (a list of words or
    names) and/or `personal_numbers` (true). The words searched are sent in the body,
    never in the address, so that no log holds them."""
    item = readable_item(request, pk, item_pk)
    try:
        body = json.loads(request.body[:MAX_BODY] or b"{}")
        asked = body.get("needles", []) if isinstance(body, dict) else None
        if not isinstance(asked, list):
            raise ValueError
        needles = parse_needles(asked)
    except (ValueError, AttributeError, TypeError, RawPostDataException):  # e.g. a form post
        return JsonResponse({"error": _("The search could not be read.")}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    try:
        found = limited.search(_source(item)[0], needles, body.get("personal_numbers") is True)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=422)
    return JsonResponse({"areas": [a.as_json() for a in found]})


def _redaction(request: HttpRequest, pk: int, item_pk: int, redaction_pk: int) -> Redaction:
    item = readable_item(request, pk, item_pk)
    return get_object_or_404(item.redactions.select_related("result", "item"), pk=redaction_pk)


@never_cache
@login_required
def result(request: HttpRequest, pk: int, item_pk: int, redaction_pk: int) -> HttpResponse:
    redaction = _redaction(request, pk, item_pk, redaction_pk)
    with redaction.result.open() as opened:
        pdf = opened.read()
    item = redaction.item
    refused = "" if redaction.verified else not_verified_message(redaction)
    if refused and item.document is not None:  # what survived is the document's own text
        do_log_read(item.document, "file", stored_file=redaction.result, actor=request.user)
    try:
        pages, unshown = _pages(pdf), ""
    except ValidationError as error:  # the copy is what it is; only its pages are not shown
        pages, unshown = [], " ".join(error.messages)
    context = {"item": item, "made": item.request, "redaction": redaction,
               "pages": pages, "extractors": redaction.checked.get("extractors", {}),
               "refused": refused, "unshown": unshown}  # fmt: skip
    return render(request, "requests/redact_result.html", context)


@login_required
def result_image(
    request: HttpRequest, pk: int, item_pk: int, redaction_pk: int, page: int
) -> HttpResponse:
    redaction = _redaction(request, pk, item_pk, redaction_pk)
    with redaction.result.open() as opened:
        return _png(opened.read(), page)
