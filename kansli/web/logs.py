"""Log lines as JSON objects (KANSLI_LOG_FORMAT=json), for a log collector that reads
one object a line: the time (UTC, ISO 8601), the level, the logger's name, the message
and, while a request is being served, its id (the X-Request-ID header,
kansli.audit.middleware), so that a request's lines and its audit events can be found
together. Nothing else is added: what a line says is what its logger wrote.

`kansli serve` hands GunicornLogger to gunicorn (--logger-class), which writes
gunicorn's own lines and its access log the same way; an access line's request id is
the one in the answer's X-Request-ID header.

A path that carries a bearer token (a delivery link to released documents, a receipt,
an e-service confirmation) is logged without it, in the access log and in Django's own
lines ("Not Found: /begaran/hamta/…"): whoever reads the log could otherwise open the
link, which may release documents to that one requester only (OSL 10 kap. 14 §)."""

from __future__ import annotations

import datetime
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from gunicorn.glogging import Logger

from kansli.audit.context import current
from kansli.audit.middleware import REQUEST_ID_KEY

ACCESS_LOGGER = "gunicorn.access"


# The URL patterns with a token (kansli.requests.urls, kansli.eservices.urls).
TOKEN_IN_PATH = re.compile(
    r"(/(?:begaran/hamta|begaran/kvitto|e-tjanster/kvitto|e-tjanster/e-forslag/bekrafta)/)"
    r"[^/\s?\"]+"
)


def without_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[dold]", text)


class HideTokens(logging.Filter):
    """Takes the tokens out of a line's message (settings.LOGGING's handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: logging reports it
            return True
        hidden = without_tokens(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id(record)
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _request_id(record: logging.LogRecord) -> str:
    if record.name == ACCESS_LOGGER and isinstance(record.args, Mapping):
        return str(record.args.get("{x-request-id}o", ""))  # gunicorn's atoms
    # Django's line of an answer of 400 or more, written after the middleware.
    request = getattr(record, "request", None)
    if isinstance(request, HttpRequest):
        return str(request.META.get(REQUEST_ID_KEY, ""))
    return current.get().request_id


class GunicornLogger(Logger):
    """gunicorn's logger, whose lines are JSON objects when KANSLI_LOG_FORMAT=json, and
    whose access lines name no token."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):  # the path, the request line
            atoms[key] = without_tokens(str(atoms.get(key, "")))
        return atoms

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if settings.LOG_FORMAT != "json":
            return
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
