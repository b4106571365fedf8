"""Health checks for a load balancer or an orchestrator.

- /health/live: the process answers (nothing else is looked at, not the database).
- /health/ready: it can serve: the database answers, the file storage can be written
  and read (the data directory) or its bucket answers (S3), the shared cache answers
  (Redis, when KANSLI_REDIS_URL is set) and no background task has waited for a worker
  longer than KANSLI_READY_QUEUE_SECONDS (the database backend's oldest READY task, or
  RQ's oldest queued job). 200 when all pass, 503 otherwise.

Both answer anyone, with a small JSON body that names the checks and says "ok" or
"fail", nothing more: why a check failed (a host name, a path, an error) goes to the log
only. ProbeMiddleware answers them (and /metrics) ahead of the rest of the middleware,
so that no session, CSRF cookie, host check, language or second factor is involved:
with Redis down live still answers 200 and ready says which check failed."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch, get_urlconf, resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)

# The names (kansli/urls.py) of what ProbeMiddleware answers itself.
PROBES = ("health_live", "health_ready", "metrics")
# A check waits at most this long for Redis or the object store.
CHECK_TIMEOUT_SECONDS = 2


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        if request.path_info not in _probe_paths(urlconf):
            return self.get_response(request)
        match = resolve(request.path_info, urlconf)
        request.resolver_match = match
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response


@functools.lru_cache(maxsize=8)
def _probe_paths(urlconf: str) -> frozenset[str]:
    paths = set()
    for name in PROBES:
        with suppress(NoReverseMatch):  # a test's URLs without them
            paths.add(reverse(name, urlconf=urlconf))
    return frozenset(paths)


def live(request: HttpRequest) -> HttpResponse:
    return _answer({"status": "ok"}, 200)


def ready(request: HttpRequest) -> HttpResponse:
    checks = {name: "ok" if _passes(name, check) else "fail" for name, check in CHECKS.items()}
    failed = "fail" in checks.values()
    return _answer({"status": "fail" if failed else "ok", "checks": checks}, 503 if failed else 200)


def _answer(body: dict[str, Any], status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"  # outside SecurityMiddleware
    return response


def _passes(name: str, check: Callable[[], bool]) -> bool:
    try:
        if check():
            return True
        logger.warning("Readiness check %s failed", name)
    except Exception:
        logger.warning("Readiness check %s failed", name, exc_info=True)
    return False


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        connection.close()  # the next request connects anew
        raise


def storage_answers() -> bool:
    """The data directory's files: a file written, read back and removed. An object
    store: its bucket answers (HEAD) within CHECK_TIMEOUT_SECONDS, without retries."""
    storage: Any = default_storage  # django-storages' S3Storage has no type hints
    if isinstance(storage, FileSystemStorage):
        return writable(Path(storage.location))
    options = (storage.endpoint_url, storage.access_key, storage.secret_key, storage.region_name)
    _s3_client(*options).head_bucket(Bucket=storage.bucket_name)
    return True


def writable(directory: Path) -> bool:
    """A file written in the directory (made as the first file stored would make it),
    read back and removed; OSError when that cannot be done (also the production
    checklist's storage check, kansli.web.checklist)."""
    directory.mkdir(parents=True, exist_ok=True)
    probe = directory / f".ready-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"ok")
        return probe.read_bytes() == b"ok"
    finally:
        probe.unlink(missing_ok=True)


@functools.lru_cache(maxsize=4)
def _s3_client(endpoint_url: str, access_key: str, secret_key: str, region: str | None) -> Any:
    import boto3  # only with an object store (it costs a process 30 MB)
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": "path"},
        connect_timeout=CHECK_TIMEOUT_SECONDS,
        read_timeout=CHECK_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": 1},
    )
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
        config=config,
    )


def cache_answers() -> bool:
    """Each Redis cache answers a read (a cache in the process's memory always does)."""
    for cache in caches.all():
        if isinstance(cache, RedisCache):
            cache.get("ready-probe")
    return True


def queue_answers() -> bool:
    waited = oldest_task_seconds()
    return waited is None or waited <= settings.READY_QUEUE_SECONDS


def oldest_task_seconds() -> float | None:
    """How long the task that has waited longest for a worker has waited (None: no
    task waits). On the database backend a task to run later waits from its time on."""
    now = timezone.now()
    if settings.TASKS_ENGINE == "rq":
        with _rq_queue() as queue:
            # The first job still there: one at the head may have expired meanwhile
            # (fetch_job gives None), and the jobs behind it still wait.
            jobs = (queue.fetch_job(job_id) for job_id in queue.get_job_ids(0, 10))
            job = next((job for job in jobs if job is not None), None)
        since = job.enqueued_at if job is not None else None
    else:
        waiting_since = Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=Greatest("enqueued_at", "run_after"),
        )
        since = DBTaskResult.objects.ready().aggregate(oldest=Min(waiting_since))["oldest"]
    return None if since is None else max(0.0, (now - since).total_seconds())


def queue_length() -> int:
    """The tasks waiting for a worker now."""
    if settings.TASKS_ENGINE == "rq":
        with _rq_queue() as queue:
            return int(queue.count)
    return int(DBTaskResult.objects.ready().count())


@contextmanager
def _rq_queue() -> Iterator[Any]:
    """RQ's default queue, on a connection of its own with short timeouts."""
    import redis
    import rq

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        yield rq.Queue("default", connection=client)
    finally:
        client.close()


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_answers,
    "storage": storage_answers,
    "cache": cache_answers,
    "queue": queue_answers,
}
