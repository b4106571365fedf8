"""Faults that are not the user's doing, answered as what they are instead of a bare 500.

- The storage cannot take the file (a full disk, a quota, a lost mount: an OSError of
  STORAGE_ERRORS while reading or writing files): 503 with Retry-After. The action's
  transaction has rolled back its rows and kansli.files.store has removed the partial
  file, so nothing is half saved. An object store out of reach (StorageUnavailable of
  kansli.files.storage, an EIO) is answered the same, with its own message.
- A signed-in session cannot be ended because Redis is out of reach
  (kansli.web.sessions): 503 with Retry-After, the user still signed in.
- The database refuses a value the checks before it let through (a DataError, or a number
  too large for SQLite): 400, so a gap in the checks never takes a page down.
- The database is out of reach (down, restarting, its connections used up, its disk
  full, locked past the wait, the statement cancelled): 503 with Retry-After. Every
  action is one transaction, so a change was saved whole before the fault or not at
  all; the page says to check which before doing it again. A fault of the schema (a
  table missing: migrations not run) is no outage and stays a 500. As the session and
  the user are read from the database too, this can happen before any view runs, so
  `server_error` (Django's handler500) answers it wherever it is raised, and renders
  without the request (no session, no user, no database).

The API answers the same faults as JSON (kansli.api, and `server_error` under /api/);
this middleware gives the pages a Swedish error page."""

from __future__ import annotations

import errno
import logging
import sys
from collections.abc import Callable

from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from kansli.files.storage import StorageUnavailable
from kansli.web.sessions import SessionNotEnded

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 300
STORAGE_FAULT = _(
    "The files could not be saved or read: the storage is full or out of reach. "
    "Nothing was saved. Try again later, and tell the system administrator if it persists."
)
UNSTORABLE_VALUE = _("A value could not be stored: it is too long or too large. Nothing was saved.")
DATABASE_FAULT = _(
    "The database is out of reach. A change was either saved in whole before the fault or "
    "not at all: check which before you make it again. Try again in a few minutes, and "
    "tell the system administrator if it persists."
)
SERVER_ERROR = _(
    "Kansli could not answer. Try again in a while, and tell the system administrator if "
    "it happens again."
)
DATABASE_RETRY_SECONDS = 60
SESSION_NOT_ENDED = _(
    "You could not be signed out: the shared cache is out of reach, and your session "
    "would otherwise come back when it returns. You are still signed in. Try again in a "
    "minute, and tell the system administrator if it persists."
)


# What a file system or its mount answers when it cannot keep or give the bytes: full,
# over quota or file-size limit, failing, read-only, gone, not ours, stale (NFS).
STORAGE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.ENOENT,
     errno.EACCES, errno.ESTALE}
)  # fmt: skip


def storage_fault(exc: BaseException) -> bool:
    """An OSError of the storage; not, e.g., a mail server out of reach (ConnectionError),
    which is a fault of its own and not to be reported as a full disk."""
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRORS


def storage_fault_message(exc: BaseException) -> str:
    """What to tell the user of a storage fault: an object store out of reach says so
    itself (kansli.files.storage); a disk, that it is full or lost."""
    return str(exc) if isinstance(exc, StorageUnavailable) else str(STORAGE_FAULT)


def unstorable_value(exc: BaseException) -> bool:
    return isinstance(exc, DataError | OverflowError)


# PostgreSQL's SQLSTATE classes of an outage: connection exception, insufficient
# resources (too many connections, disk full), operator intervention (shut down,
# cancelled), transaction rollback (deadlock, serialization: worth a retry).
OUTAGE_STATES = frozenset({"08", "53", "57", "40"})
# SQLite's result codes of an outage: locked past the wait, file gone or unreadable,
# disk failing or full, read-only.
OUTAGE_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR",
                "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_PROTOCOL")  # fmt: skip


def database_fault(exc: BaseException | None) -> bool:
    """The database could not be reached or could not serve the statement: no
    connection, a lost one, locked or full (PEP 249's OperationalError and
    InterfaceError, as Django wraps them, told apart by the driver's error under it).
    Not a missing table or column, which is a fault to be fixed, not waited out."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    driver = exc.__cause__
    state = getattr(driver, "sqlstate", None)
    if state:  # PostgreSQL; none when no connection could be made at all
        return str(state)[:2] in OUTAGE_STATES
    name = getattr(driver, "sqlite_errorname", None)
    if name:
        return str(name).startswith(OUTAGE_CODES)
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the exception is being handled: 503 with
    Retry-After for a database out of reach, 500 otherwise; JSON under /api/, else
    the Swedish page rendered without the request (its context would read the session
    and the user from the database that may be the fault)."""
    unreachable = database_fault(sys.exc_info()[1])
    status, message = (503, DATABASE_FAULT) if unreachable else (500, SERVER_ERROR)
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": str(message)}, status=status)
    else:
        template = "503.html" if unreachable else "500.html"
        response = HttpResponse(render_to_string(template, {"message": message}), status=status)
    if unreachable:
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


class FaultPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if storage_fault(exc):
            logger.error("Storage fault on %s: %s", request.path, exc)
            message = storage_fault_message(exc)
            page = render(request, "503.html", {"message": message}, status=503)
            page["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page
        if isinstance(exc, SessionNotEnded):
            logger.error(
                "A session could not be ended on %s: the cache is out of reach", request.path
            )
            page = render(request, "503.html", {"message": SESSION_NOT_ENDED}, status=503)
            page["Retry-After"] = str(DATABASE_RETRY_SECONDS)
            return page
        if unstorable_value(exc):
            logger.warning("Value refused by the database on %s: %s", request.path, exc)
            return render(request, "400.html", {"message": UNSTORABLE_VALUE}, status=400)
        return None
