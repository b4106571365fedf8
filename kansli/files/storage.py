"""The storage of the files' bytes out of reach: an object store (S3 through
django-storages) that does not answer, answers with a server error or cuts a transfer
off is told apart from every other fault and raised as StorageUnavailable.

StorageUnavailable is an OSError of errno EIO, so what answers a full or lost disk
(kansli.web.faults, the API's handler) answers it too: a 503 with Retry-After and the
message below, in Swedish, never a traceback. Whatever was being saved rolls back with
its transaction, and the bytes are either all in the store or not there at all (an
object store writes an object whole or not), so nothing is half saved."""

from __future__ import annotations

import errno
import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _

UNAVAILABLE = _(
    "The file storage is not answering just now. Try again in a while; nothing has been saved."
)


@functools.cache
def _transport_errors() -> tuple[type[BaseException], ...]:
    """Faults of the way to the store: no connection, a timeout, a transfer cut off or
    garbled, the retries used up. Loaded only when an object store is in use (boto3
    costs a process 30 MB)."""
    import boto3.exceptions
    import botocore.exceptions
    import s3transfer.exceptions

    return (
        botocore.exceptions.ConnectionError,
        botocore.exceptions.HTTPClientError,
        botocore.exceptions.IncompleteReadError,
        botocore.exceptions.ChecksumError,
        boto3.exceptions.RetriesExceededError,
        s3transfer.exceptions.RetriesExceededError,
    )


# What the store answers when it is there but cannot serve now.
BUSY_CODES = frozenset({"SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError"})


class StorageUnavailable(OSError):
    """The file storage did not answer; nothing was saved, and nothing was lost."""

    def __init__(self) -> None:
        super().__init__(errno.EIO, str(UNAVAILABLE))

    def __str__(self) -> str:
        return str(UNAVAILABLE)  # in the language of the request that shows it


def out_of_reach(exc: BaseException) -> bool:
    """Whether the exception, or one it was raised from, is the storage out of reach
    (rather than, say, a refused key or a missing bucket: faults of the configuration,
    left as they are)."""
    if "botocore" not in sys.modules:
        return False  # no object store in use: none of its faults can have been raised
    from botocore.exceptions import ClientError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _transport_errors()):
            return True
        if isinstance(current, ClientError):
            status = current.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            code = current.response.get("Error", {}).get("Code", "")
            if status >= 500 or code in BUSY_CODES:
                return True
        current = current.__cause__ or current.__context__
    return False


def missing(exc: BaseException) -> bool:
    """Whether the object store answered that the object is not there (404), as a
    file system raises FileNotFoundError."""
    if "botocore" not in sys.modules:
        return False
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return status == 404 or exc.response.get("Error", {}).get("Code", "") in {"404", "NoSuchKey"}


@contextmanager
def reaching_storage() -> Iterator[None]:
    """Raise StorageUnavailable for a storage out of reach inside the block, and
    FileNotFoundError for an object that is not there (as on a file system)."""
    try:
        yield
    except Exception as exc:
        if out_of_reach(exc):
            raise StorageUnavailable from exc
        if missing(exc):
            raise FileNotFoundError(errno.ENOENT, "not in the object store") from exc
        raise
