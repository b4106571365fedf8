"""The attendance in the API: the body's staff read it, its secretary replaces it as a
whole; a bad row or someone else's id answers 422 in Swedish and saves nothing; another
authority's staff and elected members get 404."""

from typing import Any

import pytest

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.models import Attendance
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db

Capacity = Attendance.Capacity


@pytest.fixture
def held() -> dict[str, Any]:
    body = make_body()
    people = {
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek"),
        "vice": make_member(body, ElectedPosition.VICE_CHAIR, first_name="Vera", last_name="Al"),
        "bo": make_member(body, first_name="Bo", last_name="Borta"),
        "sven": make_member(body, ElectedPosition.SUBSTITUTE, first_name="Sven", last_name="Sol"),
    }
    meeting = make_meeting(body)
    for title in ["Detaljplan", "Budget"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[people["bo"]], actor=people["secretary"])
    return {
        **people,
        "body": body,
        "minutes": minutes,
        "url": f"/api/v1/meetings/{meeting.pk}/attendance",
    }


def put(client: Any, url: str, payload: dict[str, Any]) -> Any:
    return client.put(url, payload, content_type="application/json")


def test_the_secretary_replaces_the_attendance_and_staff_read_it(held: dict[str, Any]) -> None:
    rows = [
        {"capacity": Capacity.MEMBER, "user_id": held["chair"].pk, "to_paragraph": 1},
        {"capacity": Capacity.MEMBER, "user_id": held["vice"].pk},
        {"capacity": Capacity.ABSENT, "user_id": held["bo"].pk},
        {"capacity": Capacity.SUBSTITUTE, "user_id": held["sven"].pk, "replaces_id": held["bo"].pk},
        {"capacity": Capacity.GUEST, "name": "Anna Berg", "role_title": "revisor"},
    ]
    answer = put(api_client(held["secretary"]), held["url"], {"rows": rows})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert [r["name"] for r in body["rows"]] == [
        "Carina Ek",
        "Vera Al",
        "Bo Borta",
        "Sven Sol",
        "Anna Berg",
    ]
    assert [p["user_id"] for p in body["presiding"]] == [held["chair"].pk, held["vice"].pk]
    officer = make_user(roles=[(Role.OFFICER, held["body"].authority)])
    read = api_client(officer).get(held["url"])
    assert read.status_code == 200 and read.json() == body
    # An officer reads but does not change it.
    assert put(api_client(officer), held["url"], {"rows": []}).status_code == 403
    assert held["minutes"].attendance.count() == 5


def test_bad_rows_and_other_peoples_ids_answer_422_and_save_nothing(held: dict[str, Any]) -> None:
    client = api_client(held["secretary"])
    elsewhere = make_secretary(make_body(make_authority("BUN", "Barn- och utbildningsnämnden")))
    events = AuditEvent.objects.count()
    cases = [
        (
            {"rows": [{"capacity": Capacity.MEMBER, "user_id": elsewhere.pk}]},
            "rows.0",
            "Rad 1: ingen sådan",
        ),
        (
            {"rows": [{"capacity": Capacity.MEMBER, "user_id": 99999999}]},
            "rows.0",
            "Rad 1: ingen sådan",
        ),
        (
            {
                "rows": [
                    {"capacity": Capacity.MEMBER, "user_id": held["chair"].pk, "from_paragraph": 9}
                ]
            },
            "rows.0",
            "§ 9 finns inte",
        ),
        (
            {
                "rows": [
                    {"capacity": Capacity.MEMBER, "user_id": held["bo"].pk},
                    {
                        "capacity": Capacity.SUBSTITUTE,
                        "user_id": held["sven"].pk,
                        "replaces_id": held["bo"].pk,
                    },
                ]
            },
            "rows.1",
            "Bo Borta är närvarande och kan inte ersättas",
        ),
        ({"rows": [{"capacity": "kung"}]}, "", "Välj något av"),
        ({"rows": [{"capacity": Capacity.GUEST, "name": "x" * 201}]}, "", "högst 200 tecken"),
    ]
    for payload, key, text in cases:
        answer = put(client, held["url"], payload)
        assert answer.status_code == 422, payload
        assert text in answer.json()["detail"], answer.json()
        if key:
            assert key in answer.json()["errors"]
    assert (
        put(client, held["url"], {"rows": [{"capacity": Capacity.GUEST}] * 301}).status_code == 422
    )
    assert client.put(held["url"], "not json", content_type="application/json").status_code == 400
    assert not held["minutes"].attendance.exists()
    assert AuditEvent.objects.count() == events


def test_who_may_not_see_the_meeting_gets_404(held: dict[str, Any]) -> None:
    elsewhere = make_secretary(make_body(make_authority("BUN", "Barn- och utbildningsnämnden")))
    for user in [elsewhere, held["chair"]]:
        client = api_client(user)
        assert client.get(held["url"]).status_code == 404
        assert put(client, held["url"], {"rows": []}).status_code == 404
    missing = held["url"].replace(f"/{held['minutes'].meeting_id}/", "/999999/")
    assert api_client(held["secretary"]).get(missing).status_code == 404
