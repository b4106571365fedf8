"""The task of the worker kill test (test_worker_kill.py), importable by the `kansli worker`
processes it starts. Its effect is a row with a unique key in a table of its own, written
as Kansli's tasks are: run twice, it does no more than once. Each run that reaches its
commit also leaves a row in a second table, so the test sees how many ran again."""

from __future__ import annotations

import os
import time

from django.db import connection, transaction
from django_tasks import task

EFFECT = "kansli_kill_test_effect"
RUNS = "kansli_kill_test_run"


@task()
def record_effect(number: int, seconds: float = 0) -> int:
    """Record task `number`'s effect once, however often it runs, after working for
    `seconds`; returns the number."""
    time.sleep(seconds)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EFFECT} (number) VALUES (%s) ON CONFLICT (number) DO NOTHING", [number]
        )
        cursor.execute(f"INSERT INTO {RUNS} (number, pid) VALUES (%s, %s)", [number, os.getpid()])
    # A moment between the committed effect and the library's SUCCESSFUL: a worker killed
    # here leaves a task done in effect but RUNNING, which must not be done twice.
    time.sleep(0.002)
    return number


def prepare(count: int, seconds: float = 0) -> None:
    """Create the two tables and queue `count` tasks numbered from 0, each working for
    `seconds` (run in a `kansli shell` against the test's database)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {EFFECT} (number integer PRIMARY KEY)")
        cursor.execute(f"CREATE TABLE {RUNS} (number integer NOT NULL, pid integer NOT NULL)")
        for number in range(count):
            record_effect.enqueue(number, seconds)
