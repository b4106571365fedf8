"""`kansli worker`: runs the queued background work, on the database by default or, with
KANSLI_TASKS=rq, on RQ.

Why RQ for several workers on several machines: it keeps its queue in the same Redis
that KANSLI_REDIS_URL already gives the shared cache and sessions, so production needs
no further service; it is a proven engine (in wide use for over a decade) whose worker
runs each job in a forked child, moves a job of a lost worker to the failed registry
instead of leaving it running, and stops one past its timeout; and django-tasks-rq is a
backend of django-tasks by the same author, so the tasks (`@task` in each app's
tasks.py), `.enqueue()` and the TASKS setting stay as they are. Procrastinate, the
other candidate, brings a task decorator of its own and runs on PostgreSQL only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kansli.web import checklist, rq, taskrecovery


class Command(BaseCommand):
    help = "Run queued background work (text extraction, e-mail, PDFs) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        checklist.refuse_in_production()
        if settings.TASKS_ENGINE == "rq":
            # django-rq's worker with django-tasks-rq's job class, which runs the task;
            # its scheduler enqueues the tasks deferred to a later time; a lost worker's
            # job is run again (kansli/web/rq.py).
            call_command(
                "rqworker", "default", burst=batch, with_scheduler=True,
                job_class="django_tasks_rq.Job", worker_ttl=rq.worker_ttl(),
            )  # fmt: skip
            return
        # Tasks a killed worker left RUNNING are run again (kansli.web.taskrecovery).
        worker_id = taskrecovery.worker_identity()
        with taskrecovery.recovering(worker_id):
            call_command("db_worker", batch=batch, startup_delay=False, worker_id=worker_id)
