"""RQ as Kansli runs it (KANSLI_TASKS=rq, kansli/web/management/commands/worker.py).

A worker lost with its job (a machine gone, a container killed, SIGKILL) leaves the job
STARTED in RQ's registry until its heartbeat runs out (a minute and a half, or here
KANSLI_TASK_STALE_SECONDS and two heartbeats when that is shorter), or, lost between
taking the job and starting it, in RQ's intermediate queue for a minute; the next clean-
up by any worker then moves it to the failed jobs: it would never be done. So every job
is queued with retries (KANSLI_TASK_MAX_ATTEMPTS runs in all, as the database backend's
recovery allows, kansli.web.taskrecovery), and the workers clean up every
KANSLI_TASK_STALE_SECONDS instead of RQ's ten minutes, also while idle. A worker lost in
the middle of a clean-up holds RQ's clean-up lock, which RQ keeps for fifteen minutes
whatever the interval: no job would be recovered until then. Here it lasts twice the
interval (at least 30 seconds, a clean-up takes milliseconds; at most RQ's). On RQ a
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

    def acquire_maintenance_lock(self) -> bool:
        return bool(self.connection.set(self.registry_cleaning_key, 1, nx=True, ex=clean_up_lock()))


class Worker(rq.Worker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", settings.TASK_STALE_SECONDS)
        kwargs.setdefault("job_monitoring_interval", monitoring_interval())
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """A job whose worker has sent no heartbeat for KANSLI_TASK_STALE_SECONDS (and
        one more interval: RQ counts whole seconds) is lost, if RQ's own limit (the
        monitoring interval and a minute) is longer."""
        ours = 2 * self.job_monitoring_interval + int(settings.TASK_STALE_SECONDS)
        return min(super().get_heartbeat_ttl(job, working_time), ours)


def monitoring_interval() -> int:
    """Seconds between a busy worker's heartbeats: RQ's 30, or a third of
    KANSLI_TASK_STALE_SECONDS when that is shorter (a lost heartbeat or two is no loss)."""
    return max(1, min(30, int(settings.TASK_STALE_SECONDS) // 3))


def clean_up_lock() -> int:
    """Seconds that RQ's clean-up lock is held by a worker lost while cleaning up."""
    return min(899, max(30, 2 * int(settings.TASK_STALE_SECONDS)))


def worker_ttl() -> int:
    """An idle worker waits for a job this long less 15 seconds before it looks at its
    clean-up again (RQ's default: 405 seconds)."""
    return int(settings.TASK_STALE_SECONDS) + 15
