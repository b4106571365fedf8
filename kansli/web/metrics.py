"""Prometheus metrics at /metrics, in its text exposition format.

- kansli_http_requests_total{method,status}: requests answered, by method (the usual
  ones, others as "other") and status class ("2xx").
- kansli_http_request_duration_seconds{view}: how long answering took, by the URL's
  name (the view's path when it has none, "none" when no URL matched): never the
  path itself, so the number of series stays bounded.
- kansli_task_queue_length: background tasks waiting for a worker (kansli.web.health).
- kansli_registered_documents: documents in the registry.
- kansli_audit_chain_length: the audit chain's newest sequence number
  (kansli.audit.chain).

The first two are counted by each gunicorn worker in files of its own in
KANSLI_METRICS_DIR (prometheus_client's multiprocess mode) and added up when scraped;
the others are read from the database when scraped. Volumes tell something of the
authority's work, so /metrics answers only KANSLI_METRICS_ALLOWED's addresses or a
request bearing KANSLI_METRICS_TOKEN; anyone else gets a 404."""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from kansli.anonymous import client_address
from kansli.audit.chain import latest_seq
from kansli.registry.models import Document
from kansli.web.health import queue_length

logger = logging.getLogger(__name__)
DOCUMENTS_KEY = "metrics:registered-documents"

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Fewer than the library's 15: one series each per URL name and process.
BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# Registered with no registry: the multiprocess collector reads their files instead.
REQUESTS = Counter(
    "kansli_http_requests",
    "Requests answered, by method and status class.",
    ["method", "status"],
    registry=None,
)
DURATION = Histogram(
    "kansli_http_request_duration_seconds",
    "Time taken to answer a request, by the URL's name.",
    ["view"],
    registry=None,
    buckets=BUCKETS,
)


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        match = request.resolver_match
        view = match.view_name if match is not None else "none"
        DURATION.labels(view).observe(time.perf_counter() - started)
        return response


def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponseNotFound()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(DatabaseCollector())
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"  # outside SecurityMiddleware
    return response


def allowed(request: HttpRequest) -> bool:
    """A client at one of KANSLI_METRICS_ALLOWED's addresses (behind a trusted proxy,
    the address it forwards), or a request with `Authorization: Bearer <the token>`."""
    if client_address(request) in settings.METRICS_ALLOWED:
        return True
    scheme, _space, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = settings.METRICS_TOKEN.encode()
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token)


class DatabaseCollector(Collector):
    """What is counted in the database, read when scraped; one the database cannot
    answer is left out (/health/ready tells of that)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauges = (
            ("kansli_task_queue_length", "Background tasks waiting for a worker.", queue_length),
            ("kansli_registered_documents", "Documents in the registry.", registered_documents),
            ("kansli_audit_chain_length", "The audit chain's newest sequence number.", latest_seq),
        )
        for name, documentation, read in gauges:
            try:
                value = read()
            except Exception:
                logger.warning("Metric %s could not be read", name, exc_info=True)
                continue
            yield GaugeMetricFamily(name, documentation, value=value)


def registered_documents() -> int:
    """The documents in the registry, counted at most once a minute for every instance
    and scrape together (the shared cache): a count reads the whole table, millions of
    rows in a large installation."""
    counted = cache.get(DOCUMENTS_KEY)
    if counted is None:
        counted = Document.objects.count()
        cache.set(DOCUMENTS_KEY, counted, 60)
    return int(counted)


def serving_metrics_dir(instance: str) -> Path:
    """For `kansli serve` before it starts gunicorn: the folder of its own under
    KANSLI_METRICS_DIR of the instance (kansli.web.bind's slug: each instance is scraped
    on its own), emptied of the counts of its earlier processes (prometheus_client
    keeps them by process id), and handed to gunicorn's processes as their
    KANSLI_METRICS_DIR."""
    directory = Path(settings.METRICS_DIR) / instance
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        path.unlink()
    os.environ["KANSLI_METRICS_DIR"] = str(directory)
    return directory
