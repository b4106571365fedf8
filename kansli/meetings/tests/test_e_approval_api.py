"""E-justering through the API: release, comment, answer and remind, with JSON errors;
nobody outside the draft's readers finds the meeting's draft or its comments."""

from typing import Any

import pytest

from kansli.meetings import actions
from kansli.meetings.models import ApprovalComment, Minutes
from kansli.meetings.tests.test_e_approval import held  # noqa: F401 - the fixture
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db


def test_release_comment_answer_and_remind(held: dict[str, Any]) -> None:  # noqa: F811
    meeting = held["meeting"].pk
    secretary, approver = api_client(held["secretary"]), api_client(held["approver"])
    comments = f"/api/v1/meetings/{meeting}/draft/comments"
    refused = approver.post(comments, {"text": "Hej"}, content_type="application/json")
    assert refused.status_code == 404  # nothing released: no draft to read
    answer = secretary.post(f"/api/v1/meetings/{meeting}/draft")
    assert answer.status_code == 200 and answer.json()["released_at"]
    first = held["paragraphs"][0]
    made = approver.post(
        comments, {"text": "Stavfel.", "paragraph_id": first.pk}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["paragraph"] == first.number
    comment_id = made.json()["id"]
    done = secretary.post(
        f"/api/v1/draft-comments/{comment_id}/answer",
        {"answer": "Rättat."},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["answer"] == "Rättat."
    listed = approver.get(comments).json()
    assert [c["answer"] for c in listed] == ["Rättat."]
    reminded = secretary.post(f"/api/v1/meetings/{meeting}/draft/reminders")
    assert reminded.status_code == 200 and reminded.json() == {"reminded": 2}
    again = secretary.post(f"/api/v1/meetings/{meeting}/draft/reminders")
    assert again.status_code == 422 and "redan skickats i dag" in again.json()["detail"]


def test_bad_input_and_strangers_get_json_errors_and_change_nothing(
    held: dict[str, Any],  # noqa: F811
) -> None:
    meeting = held["meeting"].pk
    comments = f"/api/v1/meetings/{meeting}/draft/comments"
    api_client(held["secretary"]).post(f"/api/v1/meetings/{meeting}/draft")
    approver = api_client(held["approver"])
    for payload in [
        {"text": ""},
        {"text": "x" * 5000},
        {"text": "Hej", "paragraph_id": 2**40},
        {"text": "Hej", "paragraph_id": 999999},
        {"text": "Hej\x00"},
        {},
    ]:
        answer = approver.post(comments, payload, content_type="application/json")
        assert answer.status_code == 422, payload
        assert answer.json()["detail"]
    for who in ["member", "outsider"]:
        client = api_client(held[who])
        assert client.get(comments).status_code == 404
        posted = client.post(comments, {"text": "Hej"}, content_type="application/json")
        assert posted.status_code == 404
    outsider = api_client(held["outsider"])
    assert outsider.post(f"/api/v1/meetings/{meeting}/draft").status_code == 404
    assert outsider.post(f"/api/v1/meetings/{meeting}/draft/reminders").status_code == 404
    refused = api_client(held["approver"]).post(f"/api/v1/meetings/{meeting}/draft")
    assert refused.status_code in (403, 404)
    assert not ApprovalComment.objects.exists()
    made = actions.do_comment_draft(held["minutes"], "Fråga", actor=held["approver"])
    answer = outsider.post(
        f"/api/v1/draft-comments/{made.pk}/answer",
        {"answer": "Nej"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    assert Minutes.objects.get(pk=held["minutes"].pk).reminded_at is None
