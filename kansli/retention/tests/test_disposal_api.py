"""Disposal lists and holds in the API: read through the gate, reviewed by the same
actions as the pages, bad input answered as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.retention import disposal
from kansli.retention.models import RunState
from kansli.retention.tests.seed import TODAY
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db(transaction=True)


def post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_manager_reads_excludes_and_reviews_through_the_api(
    seeded: dict[str, Any],
) -> None:
    run = disposal.do_list_disposal(seeded["authority"], on=TODAY, actor=seeded["archivist"])
    manager = api_client(seeded["manager"])
    item = run.items.get(document=seeded["due"])

    listed = manager.get("/api/v1/retention/disposal-runs").json()
    detail = manager.get(f"/api/v1/retention/disposal-runs/{run.pk}").json()
    empty = post(manager, f"/api/v1/retention/disposal-runs/{run.pk}/items/{item.pk}/exclude",
                 {"reason": " "})  # fmt: skip
    surrogate = post(manager, f"/api/v1/retention/disposal-runs/{run.pk}/items/{item.pk}/exclude",
                     {"reason": "\ud800"})  # fmt: skip
    excluded = post(manager, f"/api/v1/retention/disposal-runs/{run.pk}/items/{item.pk}/exclude",
                    {"reason": "Behövs"})  # fmt: skip
    reviewed = post(manager, f"/api/v1/retention/disposal-runs/{run.pk}/review")

    assert [r["id"] for r in listed] == [run.pk]
    assert (detail["to_dispose"], detail["refused"], detail["more"]) == (3, 4, False)
    assert {i["document_number"] for i in detail["items"]} >= {seeded["due"].document_number}
    assert empty.status_code == 422 and empty.json()["detail"] == "Ange varför handlingen undantas."
    assert surrogate.status_code == 422
    assert excluded.json()["excluded"] == 1
    assert reviewed.json()["state"] == RunState.ARCHIVIST


def test_others_read_nothing_and_reach_nothing(seeded: dict[str, Any]) -> None:
    run = disposal.do_list_disposal(seeded["authority"], on=TODAY, actor=seeded["archivist"])
    officer = api_client(make_user("handl", roles=[(Role.OFFICER, seeded["authority"])]))

    assert officer.get("/api/v1/retention/disposal-runs").json() == []
    assert officer.get("/api/v1/retention/holds").json() == []
    assert officer.get(f"/api/v1/retention/disposal-runs/{run.pk}").status_code == 404
    assert post(officer, f"/api/v1/retention/disposal-runs/{run.pk}/review").status_code == 404
    run.refresh_from_db()
    assert run.state == RunState.MANAGER


def test_the_archivist_reads_the_holds(seeded: dict[str, Any]) -> None:
    holds = api_client(seeded["archivist"]).get("/api/v1/retention/holds").json()

    assert {h["reason"] for h in holds} == {"Tvist i förvaltningsrätten", "Utredning", "Granskning"}
    lifted = next(h for h in holds if h["reason"] == "Granskning")
    assert lifted["lift_reason"] == "Granskningen är klar"
