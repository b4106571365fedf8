"""The disposal task run twice for one list (its worker killed after the disposal was
done, before the task was recorded as finished; kansli.web.taskrecovery runs it again):
the second run does nothing more and does not fail."""

from __future__ import annotations

from typing import Any

import pytest

from kansli.audit.models import AuditEvent
from kansli.registry.models import Document
from kansli.retention import disposal
from kansli.retention.models import DisposalRun, RunState
from kansli.retention.tasks import dispose_run
from kansli.retention.tests.seed import TODAY

pytestmark = pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction


def test_a_disposal_run_again_does_nothing_more(seeded: dict[str, Any]) -> None:
    archivist = seeded["archivist"]
    run = disposal.do_list_disposal(seeded["authority"], on=TODAY, actor=archivist)
    run = disposal.do_review_disposal(run, excluded={}, actor=seeded["manager"])
    run = disposal.do_approve_disposal(run, excluded={}, actor=archivist)
    assert dispose_run.call(run.pk, archivist.pk) == len(seeded["expected"])
    first = DisposalRun.objects.get()
    events = AuditEvent.objects.count()

    assert dispose_run.call(run.pk, archivist.pk) == len(seeded["expected"])

    again = DisposalRun.objects.get()
    assert (again.state, again.finished_at) == (RunState.DONE, first.finished_at)
    assert again.report_id == first.report_id
    assert AuditEvent.objects.count() == events
    gone = set(Document.objects.filter(disposed_at__isnull=False).values_list("pk", flat=True))
    assert gone == seeded["expected"]


def test_two_runs_of_one_list_at_once_dispose_and_record_once(
    seeded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run finishes while the first is between its last batch and its end
    (a worker lost and its job run again while the first still runs)."""
    from kansli.retention import report

    archivist = seeded["archivist"]
    run = disposal.do_list_disposal(seeded["authority"], on=TODAY, actor=archivist)
    run = disposal.do_review_disposal(run, excluded={}, actor=seeded["manager"])
    run = disposal.do_approve_disposal(run, excluded={}, actor=archivist)
    written = report.report_files
    overlapped: list[bool] = []

    def the_other_run_finishes_meanwhile(run: DisposalRun) -> Any:
        if not overlapped:
            overlapped.append(True)
            disposal.do_dispose(run, actor=archivist)
        return written(run)

    monkeypatch.setattr(report, "report_files", the_other_run_finishes_meanwhile)
    disposal.do_dispose(run, actor=archivist)
    assert overlapped
    assert AuditEvent.objects.filter(action="retention.dispose").count() == 1
    disposed = AuditEvent.objects.filter(action="retention.dispose_document").count()
    assert disposed == len(seeded["expected"])
