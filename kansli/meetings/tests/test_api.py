"""The meetings API: an e-service pre-registers items and reads the agenda; bad input
and others' meetings answer with JSON in Swedish."""

from typing import Any

import pytest
from django.test import Client

from kansli.meetings.api import AgendaRowOut
from kansli.meetings.models import AgendaItem
from kansli.meetings.testing import make_body, make_meeting
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_incoming

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _token, key = org_actions.do_create_api_token(user, "Planering", actor=None)
    return {"Authorization": f"Bearer {key}"}


def test_an_item_is_preregistered_and_listed_through_the_api() -> None:
    body = make_body()
    meeting = make_meeting(body)
    case = make_case("Motion om cykelbanor", authority=body.authority)
    officer = bearer(make_user(roles=[(Role.OFFICER, body.authority)]))
    url = f"/api/v1/meetings/{meeting.pk}/items"
    created = Client().post(
        url,
        {"case_id": case.pk, "title": "Motion om cykelbanor", "proposal": "Motionen besvaras."},
        content_type="application/json",
        headers=officer,
    )
    assert created.status_code == 201, created.content
    assert created.json()["case_number"] == case.case_number
    assert created.json()["missing"] == ["tjänsteskrivelse"]
    letter = make_incoming(case)
    with_attachment = Client().post(
        url,
        {"case_id": case.pk, "title": "Med bilaga", "attachment_documents": [letter.number, 7]},
        content_type="application/json",
        headers=officer,
    )
    assert with_attachment.status_code == 422
    assert with_attachment.json()["detail"] == "Ärendet har ingen handling 7."
    listed = Client().get(url, headers=officer).json()
    assert [item["title"] for item in listed] == ["Motion om cykelbanor"]
    # The list is written without Ninja's check: it must still be exactly AgendaRowOut.
    assert [AgendaRowOut.model_validate(item).model_dump() for item in listed] == listed
    assert listed[0] == created.json() | {"label": "1"}
    meetings = Client().get("/api/v1/meetings", headers=officer).json()
    assert meetings[0]["id"] == meeting.pk and meetings[0]["body"] == "KS"


def test_bad_input_and_other_bodies_get_clear_json() -> None:
    body = make_body()
    meeting = make_meeting(body)
    officer = bearer(make_user(roles=[(Role.OFFICER, body.authority)]))
    url = f"/api/v1/meetings/{meeting.pk}/items"
    missing = Client().post(
        url, {"case_id": 999999, "title": "X"}, content_type="application/json", headers=officer
    )
    assert missing.status_code == 422 and missing.json()["detail"] == "Ärendet finns inte."
    empty = Client().post(
        url,
        {"case_id": make_case(authority=body.authority).pk, "title": " "},
        content_type="application/json",
        headers=officer,
    )
    assert empty.status_code == 422 and "rubrik" in empty.json()["detail"]
    stranger = bearer(
        make_user(roles=[(Role.OFFICER, make_authority("BUN", "Barn- och utbildningsnämnden"))])
    )
    assert Client().get(url, headers=stranger).json() == {"detail": "Hittades inte."}
    assert not AgendaItem.objects.exists()
