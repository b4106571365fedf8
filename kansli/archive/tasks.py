"""Exports as background work (`kansli worker`): a transfer of many cases must not hold
a web request open; the transfer's page shows its progress meanwhile."""

from __future__ import annotations

from django_tasks import task

from kansli.archive.actions import do_export_transfer
from kansli.archive.models import Transfer
from kansli.org.models import User


@task()
def export_transfer(transfer_id: int, actor_id: int | None) -> int:
    """Write and check the transfer's packages for the archivist who asked; returns how
    many packages it holds. Run again after a crash, it goes on where it stopped; run
    again once the transfer is exported (its worker lost before the task was recorded
    as finished), it does nothing more."""
    transfer = Transfer.objects.get(pk=transfer_id)
    if transfer.status == Transfer.Status.EXPORTING:
        actor = User.objects.get(pk=actor_id) if actor_id is not None else None
        transfer = do_export_transfer(transfer, actor=actor)
    return transfer.cases.count()
