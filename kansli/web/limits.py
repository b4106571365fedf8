"""Requests that could break the service, refused before a view sees them.

- Size, checked before a byte of the body is read (Django reads no more than
  Content-Length, and nothing without it): at most MAX_REQUEST_MB for the signed-in (a
  session, or a valid API key) and ANONYMOUS_MAX_BYTES for everyone else, whose forms
  (the login, the public e-diary's search) are small; the e-services' forms, which take
  a citizen's attachments, PUBLIC_UPLOAD_MAX_BYTES. Larger: 413, as JSON under /api/
  and as a Swedish page elsewhere, and nothing is written to disk.
- Characters: a query or form field holding NUL or a lone surrogate (kansli.inputs) is
  answered before a view hands it to the database: a Swedish 400 page, or under /api/ a
  JSON 422 naming the field. The API's JSON bodies are checked by their schemas' types.
- A form whose fields hold more text than Django reads into memory
  (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB; files are not counted): 413 with the limit."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kansli.inputs import NUL_OR_SURROGATE, unstorable
from kansli.org.tokens import user_for_key

MEGABYTE = 1024 * 1024
ANONYMOUS_MAX_BYTES = 64 * 1024
# The e-services' public forms take a citizen's attachments (kansli.eservices).
PUBLIC_UPLOAD_PATH = "/e-tjanster/"
PUBLIC_UPLOAD_MAX_BYTES = 25 * MEGABYTE


class RequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing then
        if length > ANONYMOUS_MAX_BYTES:
            signed_in = request.user.is_authenticated or _valid_key(request)
            limit = settings.MAX_REQUEST_MB * MEGABYTE if signed_in else _anonymous_limit(request)
            if length > limit:
                return too_large(request, limit)
        return self.get_response(request)


def _anonymous_limit(request: HttpRequest) -> int:
    if request.path.startswith(PUBLIC_UPLOAD_PATH):
        return min(PUBLIC_UPLOAD_MAX_BYTES, settings.MAX_REQUEST_MB * MEGABYTE)
    return ANONYMOUS_MAX_BYTES


def _valid_key(request: HttpRequest) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, key = header.partition(" ")
    return scheme.lower() == "bearer" and user_for_key(key.strip()) is not None


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    size = f"{limit / MEGABYTE:g} MB" if limit >= MEGABYTE else f"{limit // 1024} kB"
    message = _("The request is too large: at most %(size)s is accepted.") % {"size": size}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "web/too_large.html", {"message": message}, status=413)


class StorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = [*request.GET.lists()]
        if request.method == "POST" and not request.path.startswith("/api/"):
            try:
                fields += request.POST.lists()
            except RequestDataTooBig:  # a form's text over Django's limit (files aside)
                return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        for name, values in fields:
            if unstorable(name) or any(unstorable(value) for value in values):
                return _unstorable(request, name)
        return self.get_response(request)


def _unstorable(request: HttpRequest, name: str) -> HttpResponse:
    field = name.encode("utf-8", "replace").decode("utf-8", "replace").replace("\x00", "")
    message = str(NUL_OR_SURROGATE)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {field: [message]}}, status=422)
    return render(request, "400.html", {"message": message}, status=400)
