"""Disposal runs as background work (`kansli worker`): a long run must not hold a web
request open, and the run page shows its progress meanwhile."""

from __future__ import annotations

from django_tasks import task

from kansli.org.models import User
from kansli.retention.disposal import do_dispose
from kansli.retention.models import DisposalRun, RunState


@task()
def dispose_run(run_id: int, actor_id: int | None) -> int:
    """Carry out an approved disposal list for the archivist who asked; returns how many
    documents were disposed of. Run again after a crash, it goes on where it stopped;
    run again once the list is done (its worker lost before the task was recorded as
    finished), it does nothing more."""
    run = DisposalRun.objects.get(pk=run_id)
    if run.state != RunState.DONE:
        actor = User.objects.get(pk=actor_id) if actor_id is not None else None
        run = do_dispose(run, actor=actor)
    return run.items.filter(disposed_at__isnull=False).count()
