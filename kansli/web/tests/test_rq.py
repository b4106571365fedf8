"""RQ as Kansli runs it (kansli/web/rq.py) against a real redis-server: a worker lost in
the middle of a clean-up does not stop every other worker's clean-up for fifteen
minutes (a job it left in RQ's intermediate queue would wait that long)."""

from __future__ import annotations

from typing import Any

import redis
from rq.job import Job

from kansli.web import rq
from kansli.web.testing_redis import running_redis


def test_a_lost_cleaners_lock_lasts_twice_the_clean_up_interval(settings: Any) -> None:
    settings.TASK_STALE_SECONDS = 5
    with running_redis() as server:
        connection = redis.Redis.from_url(server.url)
        lost = rq.Queue("default", connection=connection)
        other = rq.Queue("default", connection=connection)
        assert lost.acquire_maintenance_lock()  # and the worker is killed
        assert not other.acquire_maintenance_lock()
        assert 25 < connection.ttl(lost.registry_cleaning_key) <= 30
        settings.TASK_STALE_SECONDS = 60
        connection.delete(lost.registry_cleaning_key)
        assert other.acquire_maintenance_lock()
        assert 115 < connection.ttl(other.registry_cleaning_key) <= 120
        settings.TASK_STALE_SECONDS = 900  # the default: never longer than RQ's own
        connection.delete(other.registry_cleaning_key)
        assert lost.acquire_maintenance_lock()
        assert 890 < connection.ttl(lost.registry_cleaning_key) <= 899


def test_a_lost_jobs_heartbeat_runs_out_after_the_stale_time(settings: Any) -> None:
    """A job whose worker was lost is found by the next clean-up once its heartbeat has
    run out: KANSLI_TASK_STALE_SECONDS and two heartbeat intervals after the last one,
    or RQ's minute and a half when that is shorter."""
    with running_redis() as server:
        connection = redis.Redis.from_url(server.url)
        queue = rq.Queue("default", connection=connection)
        job = Job.create("kansli.web.tests.killtask.record_effect", connection=connection,
                         timeout=180)  # fmt: skip
        for stale, interval, ttl in ((1, 1, 3), (5, 1, 7), (60, 20, 80), (900, 30, 90)):
            settings.TASK_STALE_SECONDS = stale
            worker = rq.Worker([queue], connection=connection)
            assert worker.job_monitoring_interval == interval
            assert worker.get_heartbeat_ttl(job) == ttl
