from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kansli.audit.context import RequestContext, current


class RequestContextMiddleware:
    """Gives every request an id (shown in the X-Request-ID header) and remembers the
    client address, so that all audit events of one request can be grouped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = current.set(
            RequestContext(request_id=request_id, client_ip=request.META.get("REMOTE_ADDR"))
        )
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
