"""Where the current request came from, for the audit events written while serving it."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    """The request an audit event is written for; empty outside a request."""

    request_id: str = ""
    client_ip: str | None = None


# RequestContext is frozen, so sharing one instance as the default is safe.
current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "kansli_request_context",
    default=RequestContext(),  # noqa: B039
)
