"""RQ as Kansli runs it (kansli/web/rq.py) against a real redis-server: a worker lost in
the middle of a clean-up does not stop every other worker's clean-up for fifteen
minutes (a job it left in RQ's intermediate queue would wait that long)."""

from __future__ import annotations

from typing import Any

import redis

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
