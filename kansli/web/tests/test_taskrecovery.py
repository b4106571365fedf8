"""Recovery of tasks left RUNNING by a lost worker (kansli.web.taskrecovery): which
workers are known gone, what is put back and what is failed, and `kansli worker`
recovering when it starts. The whole thing with real processes killed:
test_worker_kill.py."""

from __future__ import annotations

import datetime
import logging
import subprocess
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.web import taskrecovery
from kansli.web.taskrecovery import Liveness, liveness, recover_stranded_tasks, worker_identity
from kansli.web.tests.killtask import record_effect

pytestmark = pytest.mark.django_db

OWN = worker_identity()
HOST, BOOT, PID, START = OWN.split(":")


def gone_worker() -> str:
    """The id a worker of this machine had, whose process has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{HOST}:{BOOT}:{process.pid}:{START}"


def running(worker_ids: list[str], *, minutes_ago: float = 0, task_id: str = "") -> DBTaskResult:
    """A task (queued now, unless given) claimed by these workers in turn, the last one
    `minutes_ago`."""
    task_id = task_id or record_effect.enqueue(1).id
    DBTaskResult.objects.filter(pk=task_id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=worker_ids,
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return DBTaskResult.objects.get(pk=task_id)


def test_this_machines_workers_are_known_alive_or_gone() -> None:
    assert liveness(OWN) is Liveness.ALIVE
    assert liveness(gone_worker()) is Liveness.DEAD
    assert liveness(f"{HOST}:{BOOT}:{PID}:{int(START) + 1}") is Liveness.DEAD  # number reused
    assert liveness(f"{HOST}:0000beef:{PID}:{START}") is Liveness.DEAD  # an earlier boot
    assert liveness(f"another-host:{BOOT}:{PID}:{START}") is Liveness.UNKNOWN
    # Another container of the same hostname: its processes are not in this /proc.
    name = HOST.split("~")[0]
    assert liveness(f"{name}~4026599999:{BOOT}:{PID}:{START}") is Liveness.UNKNOWN
    assert liveness("Qv3S1j0mTq6WbT0dA8cL") is Liveness.UNKNOWN  # db_worker's own random id


def test_a_zombie_worker_is_gone() -> None:
    process = subprocess.Popen(["sleep", "60"])
    try:
        state = taskrecovery._process(process.pid)
        assert state is not None
        worker_id = f"{HOST}:{BOOT}:{process.pid}:{state[1]}"
        assert liveness(worker_id) is Liveness.ALIVE
        process.kill()
        while (state := taskrecovery._process(process.pid)) and state[0] != "Z":
            time.sleep(0.01)
        assert liveness(worker_id) is Liveness.DEAD  # killed, not yet reaped
    finally:
        process.kill()
        process.wait()


def test_a_gone_workers_task_is_queued_again_at_once(caplog: Any) -> None:
    worker = gone_worker()
    task = running([worker])
    with caplog.at_level(logging.WARNING, logger="kansli.web.taskrecovery"):
        assert recover_stranded_tasks(own_id=OWN) == 1
    task.refresh_from_db()
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, [worker])
    assert f"was left running by worker {worker}, which is gone" in caplog.text
    assert "back in the queue (attempt 1 of 3)" in caplog.text


def test_a_live_workers_task_is_left_however_long_it_takes() -> None:
    task = running([OWN], minutes_ago=600)
    assert recover_stranded_tasks(own_id="another-worker") == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_an_unknown_workers_task_is_queued_again_once_stale(settings: Any) -> None:
    settings.TASK_STALE_SECONDS = 900
    fresh = running(["other-host:a1b2c3d4:17:42"], minutes_ago=10)
    stale = running(["other-host:a1b2c3d4:17:42"], minutes_ago=20)
    assert recover_stranded_tasks(own_id=OWN) == 1
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.status, stale.status) == ("RUNNING", "READY")


def test_the_last_attempt_fails_the_task(caplog: Any) -> None:
    worker = gone_worker()
    task = running([worker, worker, worker])
    with caplog.at_level(logging.WARNING, logger="kansli.web.taskrecovery"):
        assert recover_stranded_tasks(own_id=OWN) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.finished_at is not None
    assert task.exception_class_path == "kansli.web.taskrecovery.WorkerLost"
    assert "lost 3 times" in task.traceback
    assert "failed after 3 attempts" in caplog.text
    assert record_effect.get_result(str(task.pk)).errors[0].exception_class_path == (
        "kansli.web.taskrecovery.WorkerLost"
    )


def test_a_task_claimed_again_meanwhile_is_left_to_its_new_worker(monkeypatch: Any) -> None:
    task = running([gone_worker()])

    def claimed_meanwhile(worker_id: str) -> Liveness:
        DBTaskResult.objects.filter(pk=task.pk).update(
            worker_ids=[*task.worker_ids, "new"], started_at=timezone.now()
        )
        return Liveness.DEAD

    monkeypatch.setattr(taskrecovery, "liveness", claimed_meanwhile)
    assert recover_stranded_tasks(own_id=OWN) == 0
    task.refresh_from_db()
    assert (task.status, task.worker_ids[-1]) == ("RUNNING", "new")


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_worker_recovers_when_it_starts_and_then_runs_the_task() -> None:
    stored = store_bytes("Kallelse till sammanträde".encode(), "kallelse.txt")
    task = running([gone_worker()], task_id=str(DBTaskResult.objects.get().pk))  # its extraction
    call_command("worker", batch=True, verbosity=0)
    task.refresh_from_db()
    stored.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2 and liveness(task.worker_ids[-1]) is Liveness.ALIVE
    assert stored.extraction == StoredFile.Extraction.DONE
