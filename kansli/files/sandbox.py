"""Reading a file's text, or other work on a file's bytes, in a child process with a
memory and a time limit.

A hostile or broken file (a PDF whose pages loop, a document that swells when parsed)
must not take the worker, or the web process looking for personal identity numbers,
with it. The child is forked, may grow by EXTRACT_MEMORY_MB over what it starts with
(its address space, RLIMIT_AS) and is killed after EXTRACT_SECONDS, or sooner in a web
request (its deadline: OutOfTime); the parent gets the text (NUL removed, at most
MAX_TEXT_CHARS) or the work's result, or OverLimit, or the reader's error.

The fork is bare (os.fork, then os._exit): in a threaded server another thread may hold
a lock at that moment (stderr's, while it logs a request), and the child must never
wait for it. So it writes nothing to stdout or stderr (logging and warnings are off),
flushes nothing on its way out, and talks to the parent through its own pipe only."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
import logging
import math
import os
import pickle
import resource
import select
import signal
import time
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError

MEGABYTE = 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
PR_SET_PDEATHSIG = 1  # prctl(2): a signal for the child when its parent dies
_LIBC = ctypes.CDLL(None, use_errno=True)  # looked up here, not in the child

_deadline: ContextVar[float | None] = ContextVar("kansli_sandbox_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Work in a child within the next `seconds` at most, whatever limit it asks for: a
    web request's (kansli.web.middleware.SandboxDeadlineMiddleware, REQUEST_SECONDS), so
    that the child is stopped, and the request answered, before gunicorn kills the web
    process at 30 s. Threads started meanwhile inherit it only when run in a copy of the
    context (contextvars.copy_context)."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left(seconds: float | None = None) -> float:
    """`seconds` (else EXTRACT_SECONDS), cut to what is left before the deadline."""
    seconds = settings.EXTRACT_SECONDS if seconds is None else seconds
    ends = _deadline.get()
    return seconds if ends is None else max(0.0, min(seconds, ends - time.monotonic()))


class OverLimit(Exception):
    """Reading the text needed more memory or time than it is given."""


class OutOfTime(OverLimit):
    """The work was cut short by a web request's deadline (REQUEST_SECONDS), not by its
    own limit: not the file's failure, so never recorded as one; the request is to be
    tried again (or the work done in the background)."""


class ReadFailed(Exception):
    """The reader raised: the file is damaged, protected or not what its type says."""


def text_within_limits(data: bytes, read: Callable[[IO[bytes]], str]) -> str:
    """read(file) on the bytes, in a child process within the limits."""
    return str(within_limits(data, lambda file: read(file).replace("\x00", "")[:MAX_TEXT_CHARS]))


def within_limits(
    data: bytes, work: Callable[[IO[bytes]], Any], *, seconds: float | None = None
) -> Any:
    """work(file) on the bytes, in a child process within the limits (`seconds`, else
    EXTRACT_SECONDS); its result must pickle (text, bytes). The child leads a process
    group of its own, so that a program it runs (Tesseract) is stopped with it; it dies
    with the parent (a web process gunicorn kills) and after its CPU time."""
    allowed = settings.EXTRACT_SECONDS if seconds is None else seconds
    seconds = time_left(allowed)
    cut = seconds < allowed  # by the request's deadline
    if cut and seconds < 1:
        raise OutOfTime(_out_of_time())
    parent = os.getpid()
    receiver, sender = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(receiver)
        _child(sender, data, work, settings.EXTRACT_MEMORY_MB, (parent, seconds))
    os.close(sender)
    with contextlib.suppress(OSError):  # the child may have set it first, or be gone
        os.setpgid(pid, pid)
    try:
        answer = _receive(receiver, time.monotonic() + seconds)
    finally:
        os.close(receiver)
        _reap(pid)
    if answer is None:
        raise OutOfTime(_out_of_time()) if cut else OverLimit(f"tog längre än {seconds:g} s")
    if not answer:  # the child died without a word (killed by the kernel)
        raise OverLimit("processen avbröts")
    kind, value = pickle.loads(answer)  # noqa: S301 (our own child's answer)
    if kind == "memory":
        raise OverLimit(f"behövde mer än {settings.EXTRACT_MEMORY_MB} MB minne")
    if kind == "error":
        raise ReadFailed(value)
    return value


def _receive(receiver: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None if it is not done by
    the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([receiver], [], [], left)[0]:
            return None
        chunk = os.read(receiver, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _out_of_time() -> str:
    return f"hann inte bli klart inom sidans tidsgräns på {settings.REQUEST_SECONDS} s"


def _reap(pid: int) -> None:
    """Stop the child, and whatever it started, if they still run; collect the child."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _child(sender: int, data: bytes, work: Callable[[IO[bytes]], Any], memory_mb: int,
           limits: tuple[int, float]) -> None:  # fmt: skip
    answer: tuple[str, Any] = ("error", "")
    try:
        _on_its_own(sender, *limits)
        logging.disable(logging.CRITICAL)
        warnings.simplefilter("ignore")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _address_space() + memory_mb * MEGABYTE
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            answer = ("done", work(io.BytesIO(data)))
        except MemoryError:
            answer = ("memory", "")
        except Exception as error:
            answer = ("error", describe(error)[:1000])
        payload = memoryview(pickle.dumps(answer))
        while payload:
            payload = payload[os.write(sender, payload) :]
    finally:
        os._exit(0)


def _on_its_own(sender: int, parent: int, seconds: float) -> None:
    """The child's first steps: a process group of its own; killed when the parent dies
    (not left running when gunicorn kills a web process), and after its CPU time (so
    are the programs it runs, which inherit the limit); no file descriptor but its own
    pipe's end, so that a child forked by another thread meanwhile never holds this
    one's pipes open (its parent would wait for that child too)."""
    # Objects the parent no longer needed, still to be collected, hold the numbers of
    # descriptors closed below; collected here they would close whatever reuses them.
    gc.freeze()
    os.setpgid(0, 0)
    with contextlib.suppress(ValueError):  # gunicorn's wakeup pipe is closed below
        signal.set_wakeup_fd(-1)
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file at the CPU limit
    os.closerange(3, sender)
    os.closerange(sender + 1, os.sysconf("SC_OPEN_MAX"))
    cpu = math.ceil(seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


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
