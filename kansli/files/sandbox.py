"""Reading a file's text in a child process with a memory and a time limit.

A hostile or broken file (a PDF whose pages loop, a document that swells when parsed)
must not take the worker, or the web process looking for personal identity numbers,
with it. The child is forked, may grow by EXTRACT_MEMORY_MB over what it starts with
(its address space, RLIMIT_AS) and is killed after EXTRACT_SECONDS; the parent gets the
text (NUL removed, at most MAX_TEXT_CHARS), or OverLimit, or the reader's error."""

from __future__ import annotations

import io
import multiprocessing
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024
MAX_TEXT_CHARS = 2_000_000


class OverLimit(Exception):
    """Reading the text needed more memory or time than it is given."""


class ReadFailed(Exception):
    """The reader raised: the file is damaged, protected or not what its type says."""


def text_within_limits(data: bytes, read: Callable[[IO[bytes]], str]) -> str:
    """read(file) on the bytes, in a child process within the limits."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, data, read, settings.EXTRACT_MEMORY_MB), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.EXTRACT_SECONDS):
            raise OverLimit(f"tog längre än {settings.EXTRACT_SECONDS} s")
        kind, value = receiver.recv()
    except EOFError as error:  # the child died without a word (killed by the kernel)
        raise OverLimit("processen avbröts") from error
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "memory":
        raise OverLimit(f"behövde mer än {settings.EXTRACT_MEMORY_MB} MB minne")
    if kind == "error":
        raise ReadFailed(value)
    return str(value)


def _child(
    sender: Connection, data: bytes, read: Callable[[IO[bytes]], str], memory_mb: int
) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory_mb * MEGABYTE
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        text = read(io.BytesIO(data)).replace("\x00", "")[:MAX_TEXT_CHARS]
    except MemoryError:
        sender.send(("memory", ""))
    except Exception as error:
        sender.send(("error", describe(error)[:1000]))
    else:
        sender.send(("text", text))
    finally:
        sender.close()


def describe(error: Exception) -> str:
    """A reader's error as the file's page and the audit show it."""
    if isinstance(error, ReadFailed):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"{type(error).__name__}: {error}"


def _address_space() -> int:
    """The process's address space now (VmSize), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0
