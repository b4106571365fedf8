"""RQ as Kansli runs it (KANSLI_TASKS=rq, kansli/web/management/commands/worker.py).

A worker lost with its job (a machine gone, a container killed, SIGKILL) leaves the job
STARTED in RQ's registry until its heartbeat runs out (a minute and a half), or, lost
between taking the job and starting it, in RQ's intermediate queue for a minute; the
next clean-up by any worker then moves it to the failed jobs: it would never be done.
So every job is queued with retries (KANSLI_TASK_MAX_ATTEMPTS runs in all, as the
database backend's recovery allows, kansli.web.taskrecovery), and the workers clean up
every KANSLI_TASK_STALE_SECONDS instead of RQ's ten minutes, also while idle. On RQ a
task that fails with an error is run again too, up to the same number: Kansli's tasks
are idempotent (run twice, they do no more than once)."""

from __future__ import annotations

from typing import Any

import rq
from django.conf import settings
from django_rq.queues import DjangoRQ
from rq.job import Job


class Queue(DjangoRQ):
    def create_job(self, *args: Any, **kwargs: Any) -> Job:
        if kwargs.get("retry") is None and settings.TASK_MAX_ATTEMPTS > 1:
            kwargs["retry"] = rq.Retry(max=settings.TASK_MAX_ATTEMPTS - 1)
        return super().create_job(*args, **kwargs)


class Worker(rq.Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", settings.TASK_STALE_SECONDS)
        super().__init__(*args, **kwargs)


def worker_ttl() -> int:
    """An idle worker waits for a job this long less 15 seconds before it looks at its
    clean-up again (RQ's default: 405 seconds)."""
    return int(settings.TASK_STALE_SECONDS) + 15
