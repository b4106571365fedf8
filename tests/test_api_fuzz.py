"""Schemathesis over the whole OpenAPI document: every operation is called with inputs
generated from its schema (and inputs that break it: NUL bytes, lone surrogates, huge and
negative numbers, year -1, text longer than any column), as a registrar who is also the
board's secretary, with its API key. No answer may be a server error, every answer must
be one the document lists, and every error answer is JSON with a `detail`.

Bounded in `make test` (KANSLI_FUZZ_EXAMPLES examples per operation, 25 by default, the
same inputs every run); `make fuzz` runs it deep (500 each, new inputs every time)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from kansli.meetings.testing import make_body, make_meeting
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_incoming

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("KANSLI_FUZZ_EXAMPLES", "25"))
DEEP = EXAMPLES > 100


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def bearer(db: None) -> str:
    authority = make_authority("KS", "Kommunstyrelsen")
    user = make_user(roles=[(Role.REGISTRAR, authority), (Role.SECRETARY, authority)])
    case = make_case(authority=authority)
    make_incoming(case)
    make_meeting(make_body(authority))
    _token, key = do_create_api_token(user, "fuzz", actor=None)
    return key


@schemathesis.check
def json_detail(ctx: Any, response: Any, case: Any) -> None:
    """Every error answer is JSON with a message in `detail`."""
    if response.status_code >= 400:
        kinds = {key.lower(): value for key, value in response.headers.items()}
        kind = str(kinds.get("content-type", [""])[0])
        assert kind.startswith("application/json"), f"{response.status_code} {kind}"
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("detail"), str), body


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not DEEP,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Any, bearer: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bearer}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        additional_checks=[json_detail],
    )


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_are_unique() -> None:
    """The OpenAPI document names a schema after its class, so two classes of one name
    would be one schema (the public e-diary's CaseOut once replaced the registry's)."""
    from ninja import Schema

    import kansli.api  # noqa: F401  (every router, so every schema)

    names = Counter(
        cls.__name__ for cls in _subclasses(Schema) if cls.__module__.startswith("kansli.")
    )
    assert [name for name, count in names.items() if count > 1] == []


def test_every_operation_documents_its_error_answers(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "404", "413", "422"} <= documented, (method, path)
            if operation.get("security"):
                assert {"401", "403", "503"} <= documented, (method, path)
