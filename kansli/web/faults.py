"""Faults that are not the user's doing, answered as what they are instead of a bare 500.

- The storage cannot take the file (a full disk, a quota, a lost mount: an OSError of
  STORAGE_ERRORS while reading or writing files): 503 with Retry-After. The action's
  transaction has rolled back its rows and kansli.files.store has removed the partial
  file, so nothing is half saved.
- The database refuses a value the checks before it let through (a DataError, or a number
  too large for SQLite): 400, so a gap in the checks never takes a page down.

The API answers the same faults as JSON (kansli.api); this middleware gives the pages a
Swedish error page."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 300
STORAGE_FAULT = _(
    "The files could not be saved or read: the storage is full or out of reach. "
    "Nothing was saved. Try again later, and tell the system administrator if it persists."
)
UNSTORABLE_VALUE = _("A value could not be stored: it is too long or too large. Nothing was saved.")


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


def unstorable_value(exc: BaseException) -> bool:
    return isinstance(exc, DataError | OverflowError)


class FaultPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if storage_fault(exc):
            logger.error("Storage fault on %s: %s", request.path, exc)
            page = render(request, "503.html", {"message": STORAGE_FAULT}, status=503)
            page["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page
        if unstorable_value(exc):
            logger.warning("Value refused by the database on %s: %s", request.path, exc)
            return render(request, "400.html", {"message": UNSTORABLE_VALUE}, status=400)
        return None
