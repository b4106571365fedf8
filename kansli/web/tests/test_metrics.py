"""/metrics (kansli.web.metrics): who may read it, and its values following a real
registration through the action, real requests and a queued task."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from kansli.org.testing import make_authority
from kansli.registry.testing import make_case, make_incoming, make_registrar
from kansli.web.metrics import DOCUMENTS_KEY
from kansli.web.tests.killtask import record_effect

pytestmark = pytest.mark.django_db

TOKEN = "m" * 40


def scrape(**headers: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = Client().get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_registration_requests_and_tasks_show_in_the_metrics() -> None:
    authority = make_authority()
    registrar = make_registrar(authority)
    case = make_case(authority=authority)
    before = scrape()

    make_incoming(case, actor=registrar)
    record_effect.enqueue(1)
    client = Client()
    assert client.get("/finns-inte/").status_code == 404
    assert client.get("/").status_code == 302  # to the login page
    assert client.post("/health/live").status_code == 200
    cache.delete(DOCUMENTS_KEY)  # a minute later: the count is kept that long
    after = scrape()

    assert value(after, "kansli_registered_documents") == (
        value(before, "kansli_registered_documents") + 1
    )
    assert value(after, "kansli_audit_chain_length") > value(before, "kansli_audit_chain_length")
    assert value(after, "kansli_task_queue_length") == value(before, "kansli_task_queue_length") + 1
    for method, status in (("GET", "4xx"), ("GET", "3xx"), ("POST", "2xx")):
        name = "kansli_http_requests_total"
        assert value(after, name, method=method, status=status) == (
            value(before, name, method=method, status=status) + 1
        )
    # The scrape before this one is counted too.
    assert value(after, "kansli_http_requests_total", method="GET", status="2xx") >= 1
    duration = "kansli_http_request_duration_seconds_count"
    for view in ("none", "home", "health_live"):
        assert value(after, duration, view=view) == value(before, duration, view=view) + 1


def test_the_documents_are_counted_at_most_once_a_minute() -> None:
    """COUNT reads the whole table: every scrape of every instance within the minute
    takes the count kept in the shared cache."""
    case = make_case(authority=make_authority())
    first = value(scrape(), "kansli_registered_documents")
    make_incoming(case, actor=make_registrar(case.authority))
    with CaptureQueriesContext(connection) as queries:
        again = value(scrape(), "kansli_registered_documents")
    assert again == first
    assert not [q for q in queries if "COUNT" in q["sql"] and "registry_document" in q["sql"]]
    cache.delete(DOCUMENTS_KEY)
    assert value(scrape(), "kansli_registered_documents") == first + 1


def test_paths_never_become_labels() -> None:
    client = Client()
    for number in range(20):
        client.get(f"/ingen-sida-{number}/")
        client.get(f"/diarium/{number}/")
    text = Client().get("/metrics").content.decode()
    assert "ingen-sida" not in text and "/diarium/" not in text
    views = {
        sample.labels["view"]
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if "view" in sample.labels
    }
    assert "none" in views
    assert all("/" not in view for view in views)


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "192.0.2.7"},
        # A client behind the local reverse proxy is the client, not the proxy.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7"},
        # An outside client naming an allowed address is not believed.
        {"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"REMOTE_ADDR": "192.0.2.7", "HTTP_AUTHORIZATION": "Bearer fel-" + TOKEN[4:]},
        {"REMOTE_ADDR": "192.0.2.7", "HTTP_AUTHORIZATION": "Basic " + TOKEN},
        # Not ASCII: once a 500 (compare_digest takes no such str).
        {"REMOTE_ADDR": "192.0.2.7", "HTTP_AUTHORIZATION": "Bearer é"},
    ],
)
def test_anyone_else_gets_a_404(settings: Any, headers: dict[str, Any]) -> None:
    settings.METRICS_TOKEN = TOKEN
    response = Client().get("/metrics", **headers)
    assert response.status_code == 404
    assert b"kansli_" not in response.content


def test_no_token_set_lets_no_bearer_in(settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    response = Client().get("/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_the_allowed_addresses_and_the_token_get_in(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED = ["10.0.0.5"]
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert scrape(REMOTE_ADDR="10.0.0.5")
    assert scrape(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.5")
    assert scrape(REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
