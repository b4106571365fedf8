"""The requests API: the same read gate as the pages, staff registration and review,
bad input answered as JSON in Swedish, nothing half saved."""

import json

import pytest

from kansli.access.testing import make_access_group
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry.models import Case
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.models import AccessRequest
from kansli.requests.testing import make_request
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db


def post(client: object, url: str, payload: dict) -> object:
    return client.post(url, json.dumps(payload), content_type="application/json")  # type: ignore[attr-defined]


def test_the_overview_and_a_request_through_the_gate() -> None:
    ks = make_authority("KS")
    insider = make_user("insider", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [insider])
    secret = make_incoming(make_case(authority=ks), secrecy=make_provision(),
                           description="Rehabiliteringsutredning")  # fmt: skip
    made = make_request(ks, documents=[secret])
    outsider = make_user("outsider", roles=[(Role.OFFICER, ks)])
    listed = api_client(outsider).get("/api/v1/requests").json()
    assert [row["case_number"] for row in listed] == [made.case.case_number]
    assert listed[0]["items_total"] == 1 and listed[0]["items_reviewed"] == 0
    item = api_client(outsider).get(f"/api/v1/requests/{made.pk}").json()["items"][0]
    assert item["document_number"] == secret.document_number
    assert item["document_description"] is None
    inside = api_client(insider).get(f"/api/v1/requests/{made.pk}").json()["items"][0]
    assert inside["document_description"] == "Rehabiliteringsutredning"
    elsewhere = org_actions.do_create_authority(
        make_municipality("Grannkommun"), "board", "GS", "Grannstyrelsen", actor=None
    )
    stranger = api_client(make_user("granne", roles=[(Role.REGISTRAR, elsewhere)]))
    assert stranger.get("/api/v1/requests").json() == []
    assert stranger.get(f"/api/v1/requests/{made.pk}").status_code == 404
    review = post(stranger, f"/api/v1/requests/{made.pk}/items/{inside['id']}/review",
                  {"review": "disclose"})  # fmt: skip
    assert review.status_code == 404  # type: ignore[attr-defined]


def test_staff_register_and_review_through_the_api() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [registrar])
    found = make_incoming(make_case(authority=ks))
    make_provision("OSL 21 kap. 1 §")
    client = api_client(registrar)
    answer = post(client, "/api/v1/requests", {
        "authority": "ks", "description": "Bygglovet", "channel": "phone",
        "documents": [found.document_number], "descriptions": ["Ritningen"],
    })  # fmt: skip
    assert answer.status_code == 201  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["channel"] == "phone" and len(body["items"]) == 2
    item = body["items"][0]
    url = f"/api/v1/requests/{body['id']}/items/{item['id']}/review"
    refused = post(client, url, {"review": "refuse"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "provisions" in refused.json()["errors"]  # type: ignore[attr-defined]
    unknown = post(client, url, {"review": "refuse", "provisions": ["OSL 99 kap. 1 §"]})
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    done = post(client, url, {"review": "refuse", "provisions": ["OSL 21 kap. 1 §"]})
    assert done.status_code == 200  # type: ignore[attr-defined]
    assert done.json()["provisions"] == ["OSL 21 kap. 1 §"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "Handling \ud800"}, "description"),
        ({"name": "N" * 201}, "name"),
        ({"authority": "XX"}, "authority"),
        ({"documents": ["KS 2026/99999999999-1"]}, "documents"),
        ({"channel": "web"}, "channel"),
    ],
)
def test_bad_input_is_refused_as_json_and_nothing_is_saved(fields: dict, field: str) -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    payload = {"authority": "KS", "description": "Bygglovet", "channel": "phone"} | fields
    answer = post(api_client(registrar), "/api/v1/requests", payload)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert field in body["errors"] and body["detail"]
    assert not AccessRequest.objects.exists() and not Case.objects.exists()
