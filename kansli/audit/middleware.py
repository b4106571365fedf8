from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kansli.anonymous import client_address
from kansli.audit.context import RequestContext, current

REQUEST_ID_KEY = "KANSLI_REQUEST_ID"


class RequestContextMiddleware:
    """Gives every request an id (shown in the X-Request-ID header) and remembers the
    client address, so that all audit events of one request can be grouped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        # Also for the log line Django writes of a 4xx answer after the middleware
        # (kansli.web.logs); not an HTTP_ key, so no client can set it.
        request.META[REQUEST_ID_KEY] = request_id
        token = current.set(
            RequestContext(request_id=request_id, client_ip=client_address(request) or None)
        )
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response
