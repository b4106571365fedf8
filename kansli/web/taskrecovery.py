"""Recovery of tasks that a lost worker left RUNNING (the embedded database backend).

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when the task returns. A worker that dies in between (SIGKILL, out of memory, a power
cut, a SIGTERM during the claim's commit) leaves the row RUNNING for ever, and nothing
runs it again: an open issue upstream, RealOrangeOne/django-tasks-db#5 ("Unclean exits
of the worker leave tasks in limbo", first filed as RealOrangeOne/django-tasks#46; the
claim-commit case is django-tasks-db#61).

`kansli worker` names itself by where it runs (`worker_identity`: host, boot, process id
and the process's start time), and the library appends that name to the row's
`worker_ids` when it claims a task, so the last name on a RUNNING row is the worker that
holds it. Such a task is

- left alone while that process still runs on this machine, however long it takes;
- stranded when the name is of this machine and the process is gone (or was of an
  earlier boot): recovered at once;
- stranded when the name is of another machine, or not a Kansli worker's, once it has
  run for `KANSLI_TASK_STALE_SECONDS` (default 900): processes on other machines cannot
  be seen from here. Run several machines' workers on RQ instead, or set the time above
  the longest task.

A stranded task goes back to READY, and the next free worker runs it again from the
start: every task of Kansli is written so that running it twice does no more than
running it once. After `KANSLI_TASK_MAX_ATTEMPTS` claims (default 3) it is marked FAILED
instead, so that a task that kills its worker (by its memory, say) does not go round for
ever. Each recovery is logged. `kansli worker` recovers when it starts and, while it
runs, every `recovery_period()` seconds in a thread of its own (`recovering`).
"""

from __future__ import annotations

import enum
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

PROC = Path("/proc")


class WorkerLost(Exception):
    """The exception class recorded on a task failed because its workers kept dying."""


class Liveness(enum.Enum):
    """What this machine can tell of the worker named on a RUNNING task."""

    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"


def _host() -> str:
    """This machine's name and the process-id namespace this process sees, at most 32
    characters so that a worker id stays within the library's 64 (32 + boot 8 + pid 7
    + start time 12 and the colons). Containers that share a hostname (and so a boot
    id) each have a namespace of their own, whose processes this /proc does not show:
    a worker of another one is "not known here", never taken for gone."""
    name = socket.gethostname().replace(":", "-")[:20] or "localhost"
    try:
        namespace = os.readlink(PROC / "self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return name
    return f"{name}~{''.join(c for c in namespace if c.isdigit())[:11]}"


def _boot() -> str:
    """This boot's id, shortened: a process named with another boot's is gone."""
    try:
        return (PROC / "sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""


def _process(pid: int) -> tuple[str, str] | None:
    """The state letter and start time (clock ticks since boot) of a running process,
    or None when there is no such process."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (command) state ppid ...": the command may hold spaces and parentheses.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], fields[19]


def worker_identity() -> str:
    """The worker id of this process: `host:boot:pid:start`. Without /proc (not Linux)
    a random id, whose tasks are recovered by time only."""
    pid = os.getpid()
    process, boot = _process(pid), _boot()
    if process is None or not boot:
        return f"{_host()}:{get_random_string(24)}"
    return f"{_host()}:{boot}:{pid}:{process[1]}"


def liveness(worker_id: str) -> Liveness:
    """Whether the worker named by `worker_identity` still runs, as far as this machine
    can tell: only its own processes are known."""
    parts = worker_id.split(":")
    if len(parts) != 4 or parts[0] != _host() or not parts[2].isdigit():
        return Liveness.UNKNOWN
    host_boot = _boot()
    if not host_boot:
        return Liveness.UNKNOWN
    if parts[1] != host_boot:
        return Liveness.DEAD
    process = _process(int(parts[2]))
    # A zombie (Z) or dying (X) process runs no task; another start time is another
    # process that got the same number.
    if process is None or process[0] in {"Z", "X"} or process[1] != parts[3]:
        return Liveness.DEAD
    return Liveness.ALIVE


def recover_stranded_tasks(*, own_id: str, backend_name: str = "default") -> int:
    """Put back to READY (or FAILED, after the last attempt) every RUNNING task of the
    backend whose worker is gone; returns how many. `own_id` is the caller's worker id,
    whose task is its own. A row is changed only if it is still the claim that was
    judged (same start time), so a worker that claims it meanwhile keeps it."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.TASK_STALE_SECONDS)
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    recovered = 0
    for task_id, worker_ids, started_at, task_path in running.values_list(
        "id", "worker_ids", "started_at", "task_path"
    ):
        worker_id = worker_ids[-1] if worker_ids else ""
        if worker_id == own_id:
            continue
        state = liveness(worker_id)
        if state is Liveness.ALIVE:
            continue
        if state is Liveness.UNKNOWN and started_at is not None and started_at > stale_before:
            continue
        attempts = len(worker_ids)
        claim = DBTaskResult.objects.filter(
            pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if state is Liveness.DEAD:
            why = "gone"
        else:
            since = f"{started_at:%Y-%m-%d %H:%M:%S}" if started_at else "an unknown time"
            why = f"not known here, running since {since}"
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            changed = claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker was lost {attempts} times; "
                f"the last was {worker_id or 'unnamed'} ({why}).\n",
            )
            outcome = f"failed after {attempts} attempts"
        else:
            changed = claim.update(status=TaskResultStatus.READY, started_at=None)
            outcome = f"back in the queue (attempt {attempts} of {settings.TASK_MAX_ATTEMPTS})"
        if changed:
            recovered += 1
            logger.warning(
                "Task %s (%s) was left running by worker %s, which is %s: %s.",
                task_id, task_path, worker_id or "unnamed", why, outcome,
            )  # fmt: skip
    return recovered


def recovery_period() -> float:
    """Seconds between two recoveries while a worker runs."""
    return float(min(settings.TASK_STALE_SECONDS, 60))


@contextmanager
def recovering(worker_id: str, backend_name: str = "default") -> Iterator[None]:
    """Recover stranded tasks now, then periodically in a thread until the body ends
    (the worker under `worker_id` runs in the body)."""
    recover_stranded_tasks(own_id=worker_id, backend_name=backend_name)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(recovery_period()):
            try:
                recover_stranded_tasks(own_id=worker_id, backend_name=backend_name)
            except DatabaseError:  # the database away for a moment: try again next time
                logger.exception("Recovering stranded tasks failed")
            finally:
                connection.close()  # this thread's own connection

    thread = threading.Thread(target=loop, name="kansli-task-recovery", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
