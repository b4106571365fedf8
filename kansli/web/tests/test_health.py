"""/health/live and /health/ready (kansli.web.health) against the real services: the
database of the run (SQLite, or PostgreSQL with KANSLI_DATABASE_URL), the data
directory, a real redis-server stopped as in an outage, the task queue of the database
backend and of RQ, and SeaweedFS as the object store."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import redis
import rq
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rq.utils import utcformat

from kansli.files.testing_s3 import running_seaweedfs
from kansli.org.testing import make_user
from kansli.settings import file_storage
from kansli.web.testing_redis import redis_caches, running_redis
from kansli.web.tests.killtask import record_effect

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "storage": "ok", "cache": "ok", "queue": "ok"}


def ready(client: Client | None = None) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/health/ready")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, json.loads(response.content)


def test_live_answers_without_the_database_or_a_known_host(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/health/live", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_ready_checks_each_service_and_needs_no_login() -> None:
    assert ready() == (200, {"status": "ok", "checks": ALL_OK})


def test_ready_fails_when_the_files_cannot_be_written_and_says_no_more(
    settings: Any, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "files")},
        },
    }
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "fail",
        "checks": ALL_OK | {"storage": "fail"},
    }
    assert b"not-a-directory" not in response.content


def test_ready_fails_while_redis_is_down_and_live_still_answers(settings: Any) -> None:
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        settings.SESSION_ENGINE = "kansli.web.sessions"
        client = Client()
        client.force_login(make_user("handlaggare"))
        assert ready(client) == (200, {"status": "ok", "checks": ALL_OK})
        server.stop()
        assert client.get("/health/live").status_code == 200
        assert ready(client) == (503, {"status": "fail", "checks": ALL_OK | {"cache": "fail"}})
        assert Client().get("/health/live").status_code == 200
        server.start()
        assert ready(client)[0] == 200


def test_ready_fails_when_a_task_has_waited_too_long(settings: Any) -> None:
    settings.READY_QUEUE_SECONDS = 300
    task_id = record_effect.enqueue(1).id
    waiting = DBTaskResult.objects.filter(pk=task_id)
    waiting.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=200))
    assert ready()[0] == 200

    waiting.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=400))
    assert ready() == (503, {"status": "fail", "checks": ALL_OK | {"queue": "fail"}})

    # One to run later waits from that time on.
    waiting.update(run_after=timezone.now() - datetime.timedelta(seconds=100))
    assert ready()[0] == 200
    waiting.update(run_after=timezone.now() + datetime.timedelta(hours=1))
    assert ready()[0] == 200


def test_ready_looks_at_the_rq_queue_on_rq(settings: Any) -> None:
    settings.READY_QUEUE_SECONDS = 300
    with running_redis() as server:
        settings.CACHES = redis_caches(server.url)
        settings.REDIS_URL = server.url
        settings.TASKS_ENGINE = "rq"
        connection = redis.Redis.from_url(server.url)
        queue = rq.Queue("default", connection=connection)
        assert ready()[0] == 200
        job = queue.enqueue("os.getpid")
        assert ready()[0] == 200
        old = timezone.now() - datetime.timedelta(seconds=400)
        connection.hset(job.key, "enqueued_at", utcformat(old))
        assert ready() == (503, {"status": "fail", "checks": ALL_OK | {"queue": "fail"}})
        # A job ahead of it that has expired (its id still queued, the job gone): the
        # old one behind it still waits.
        queue.connection.lpush(queue.key, "expired-job")
        assert queue.get_job_ids(0, 1) == ["expired-job"]
        assert ready() == (503, {"status": "fail", "checks": ALL_OK | {"queue": "fail"}})
        server.stop()
        assert ready() == (
            503,
            {"status": "fail", "checks": ALL_OK | {"cache": "fail", "queue": "fail"}},
        )


@pytest.mark.s3
def test_ready_checks_the_bucket_of_an_object_store(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_seaweedfs() as store:
        bucket = store.new_bucket()
        for variable, value in store.environment(bucket).items():
            monkeypatch.setenv(variable, value)
        settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
        assert ready() == (200, {"status": "ok", "checks": ALL_OK})
        store.stop()
        response = Client().get("/health/ready")
        assert json.loads(response.content)["checks"] == ALL_OK | {"storage": "fail"}
        assert b"127.0.0.1" not in response.content
        store.start()
        assert ready()[0] == 200
