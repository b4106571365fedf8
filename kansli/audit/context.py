"""Where the current request came from, for the audit events written while serving it."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None


current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "kansli_request_context", default=RequestContext()
)
