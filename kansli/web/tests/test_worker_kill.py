"""Issue 18's "done when" for the embedded task backend: four `kansli worker` processes
run KANSLI_KILL_TASKS tasks (1,000 here; `make worker-kill` runs 10,000) while ten of
them, chosen at random moments, are killed with SIGKILL and replaced by a new one; every
task's effect is there exactly once and no task is left READY or RUNNING.

The workers share a database of their own, made for the test
(kansli.web.testing_installation): a SQLite file in WAL mode, or a new PostgreSQL
database when the suite runs on PostgreSQL. The task is kansli/web/tests/killtask.py."""

from __future__ import annotations

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from kansli.web.testing_installation import installation
from kansli.web.tests.killtask import EFFECT, RUNS

TASKS = int(os.environ.get("KANSLI_KILL_TASKS", "1000"))
WORKERS = 4
KILLS = 10
KANSLI = [sys.executable, "-m", "kansli"]
RESULTS = "django_tasks_database_dbtaskresult"
# Seconds from the first worker's start to the last task done, past which the workers
# are taken to have stalled: a guard, not a measurement (2 shared cores may be busy).
DEADLINE = 120 + TASKS * 0.1

Connect = Callable[[], Any]


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[tuple[dict[str, str], Connect]]:
    """The workers' environment and a way to open a DB-API connection to their database."""
    with installation(tmp_path) as place:
        env = {
            **place.env,
            "KANSLI_TASKS": "database",  # the embedded backend, whatever the suite runs on
            "KANSLI_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",  # the logs as they are written
            # Short, so that the periodic recovery is seen at work too; a worker started
            # after a kill recovers the stranded task at once anyway.
            "KANSLI_TASK_STALE_SECONDS": "5",
        }
        yield env, place.connect


def count(connect: Connect, sql: str) -> int:
    """One number from the workers' database, read in a connection of its own."""
    with closing(connect()) as db:
        cursor = db.cursor()
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def claimed(log: Path) -> bool:
    """Whether the worker writing this log has claimed a task."""
    return "state=RUNNING" in log.read_text()


def run(env: dict[str, str], *args: str) -> None:
    """A `kansli` command run to its end, successfully."""
    done = subprocess.run([*KANSLI, *args], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr


def test_every_task_done_once_while_workers_are_killed(tmp_path: Path) -> None:
    rng = random.Random(seed := secrets.randbits(32))
    with scratch_database(tmp_path) as (env, connect):
        run(env, "migrate", "django_tasks_database", "-v0")
        run(
            env,
            "shell",
            "-v0",
            "-c",
            f"from kansli.web.tests import killtask; killtask.prepare({TASKS})",
        )
        started = time.monotonic()
        logs: list[Path] = []

        def start() -> tuple[subprocess.Popen[bytes], Path]:
            """A new worker and its log."""
            log = tmp_path / f"worker-{len(logs)}.log"
            logs.append(log)
            with log.open("wb") as out:
                return subprocess.Popen([*KANSLI, "worker"], env=env, stdout=out, stderr=out), log

        workers = [start() for _ in range(WORKERS)]
        try:
            # Each kill when a random share of the tasks is done, so that all ten come
            # while there is work, at a random moment within it.
            for share in sorted(rng.uniform(0.05, 0.9) for _ in range(KILLS)):
                while count(connect, f"SELECT count(*) FROM {EFFECT}") < share * TASKS:
                    assert time.monotonic() - started < DEADLINE, "the workers stalled"
                    time.sleep(0.02)
                time.sleep(rng.uniform(0, 0.05))
                # A worker at work, not one still starting: it has claimed a task.
                while not (working := [i for i, (_, log) in enumerate(workers) if claimed(log)]):
                    time.sleep(0.02)
                victim = rng.choice(working)
                workers[victim][0].kill()
                workers[victim][0].wait()
                workers[victim] = start()
            unfinished = f"SELECT count(*) FROM {RESULTS} WHERE status IN ('READY', 'RUNNING')"
            while count(connect, unfinished):
                assert time.monotonic() - started < DEADLINE, "tasks left unfinished"
                time.sleep(0.1)
            elapsed = time.monotonic() - started
        finally:
            for worker, _ in workers:
                worker.send_signal(signal.SIGTERM)
            for worker, _ in workers:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

        with closing(connect()) as db:
            cursor = db.cursor()
            cursor.execute(f"SELECT number FROM {EFFECT} ORDER BY number")
            effects = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT status, count(*) FROM {RESULTS} GROUP BY status")
            statuses = dict(cursor.fetchall())
            cursor.execute(f"SELECT count(*) FROM {RUNS}")
            runs = cursor.fetchone()[0]
            cursor.execute(f"SELECT worker_ids FROM {RESULTS}")
            # PostgreSQL hands JSON back decoded, SQLite as text.
            claims = [ids if isinstance(ids, list) else json.loads(ids) for (ids,) in cursor]
    recovered = sum(log.read_text().count("was left running by worker") for log in logs)
    print(
        f"\n{TASKS} tasks, {WORKERS} workers, {KILLS} SIGKILLs in {elapsed:.1f} s (seed {seed}): "
        f"{recovered} stranded tasks recovered, {runs - TASKS} run again after their effect"
    )
    assert effects == list(range(TASKS)), seed  # each effect once: none missing, none twice
    assert statuses == {"SUCCESSFUL": TASKS}, seed
    # The kills stranded tasks, and they were claimed again after their recovery.
    claimed_again = sum(1 for ids in claims if len(ids) > 1)
    assert 1 <= claimed_again <= recovered, seed
