"""The report in the API: started with its fields, changed by PATCH, refused hand-in
with the checks (422) and nothing registered, handed in onto the agenda; another
authority's officer gets 404 as for a missing report; a protected name is masked."""

from __future__ import annotations

import pytest

from kansli.meetings.models import AgendaItem
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.reports.models import Report
from kansli.reports.testing import make_desk
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_start_change_and_hand_in_through_the_api():
    desk = make_desk()
    officer = api_client(desk.officer)
    made = officer.post(
        f"/api/v1/cases/{desk.case.pk}/reports",
        {"background": "Bakgrund.", "meeting_id": desk.meeting.pk},
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    report = made.json()
    assert report["problems"] == {"proposal": "Skriv ett förslag till beslut."}
    assert report["item_deadline"] == desk.meeting.item_deadline.isoformat()
    refused = officer.post(f"/api/v1/reports/{report['id']}/hand-in")
    assert refused.status_code == 422
    assert "proposal" in refused.json()["errors"]
    assert not Document.objects.filter(case=desk.case).exists()
    changed = officer.patch(
        f"/api/v1/reports/{report['id']}", {"proposal": "Bifall."}, content_type=JSON
    )
    assert changed.json()["background"] == "Bakgrund." and changed.json()["problems"] == {}
    done = officer.post(f"/api/v1/reports/{report['id']}/hand-in")
    assert done.status_code == 200 and done.json()["document"].startswith("KS ")
    assert AgendaItem.objects.get(meeting=desk.meeting).proposal == "Bifall."


def test_bad_input_is_refused_and_no_draft_is_left():
    desk = make_desk()
    officer = api_client(desk.officer)
    answer = officer.post(
        f"/api/v1/cases/{desk.case.pk}/reports", {"appendices": [99]}, content_type=JSON
    )
    assert answer.status_code == 422 and "appendices" in answer.json()["errors"]
    assert not Report.objects.exists()


def test_another_authoritys_officer_gets_404_and_a_protected_name_is_masked():
    desk, other = make_desk(), make_desk("BUN")
    registry.do_add_party(desk.case, "Hemlig Person", protected_identity=True, actor=None)
    made = api_client(desk.officer).post(
        f"/api/v1/cases/{desk.case.pk}/reports",
        {"background": "Hemlig Person ansöker."},
        content_type=JSON,
    )
    report_id = made.json()["id"]
    assert made.json()["background"] == "Hemlig Person ansöker."
    stranger = api_client(other.officer)
    assert stranger.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert stranger.get("/api/v1/reports/999999").status_code == 404
    assert stranger.patch(f"/api/v1/reports/{report_id}", {}, content_type=JSON).status_code == 404
    assert stranger.post(f"/api/v1/reports/{report_id}/hand-in").status_code == 404
    shown = api_client(desk.manager).get(f"/api/v1/reports/{report_id}").json()
    assert shown["background"] == "Skyddad identitet ansöker."


def test_the_managers_approval_through_the_api_with_four_eyes():
    desk, other = make_desk(approval=True), make_desk("BUN", approval=True)
    officer, manager = api_client(desk.officer), api_client(desk.manager)
    made = officer.post(
        f"/api/v1/cases/{desk.case.pk}/reports",
        {"proposal": "Bifall.", "meeting_id": desk.meeting.pk},
        content_type=JSON,
    ).json()
    url = f"/api/v1/reports/{made['id']}"
    assert "approval" in made["problems"]
    assert officer.post(f"{url}/approve").status_code == 403  # not a manager
    asked = officer.post(f"{url}/ask-approval")
    assert asked.status_code == 200 and asked.json()["status"] == "for_godkannande"
    assert officer.post(f"{url}/ask-approval").status_code == 422  # already waiting
    for path in ("ask-approval", "approve", "return"):  # another authority's manager
        answer = api_client(other.manager).post(
            f"{url}/{path}", {"comment": "x"}, content_type=JSON
        )
        assert answer.status_code == 404, path
    empty = manager.post(f"{url}/return", {"comment": "  "}, content_type=JSON)
    assert empty.status_code == 422 and "comment" in empty.json()["errors"]
    back = manager.post(f"{url}/return", {"comment": "Lägg till kostnaden."}, content_type=JSON)
    assert back.json()["status"] == "atervisad"
    assert back.json()["comment"] == "Lägg till kostnaden."
    officer.post(f"{url}/ask-approval")
    approved = manager.post(f"{url}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["approved_by"] == "Maja Chef" and approved.json()["problems"] == {}
    assert officer.post(f"{url}/hand-in").status_code == 200


def test_a_manager_who_wrote_part_of_the_report_cannot_approve_it():
    desk = make_desk(approval=True)
    officer, manager = api_client(desk.officer), api_client(desk.manager)
    report_id = officer.post(
        f"/api/v1/cases/{desk.case.pk}/reports", {"proposal": "Bifall."}, content_type=JSON
    ).json()["id"]
    url = f"/api/v1/reports/{report_id}"
    manager.patch(url, {"assessment": "Chefen skrev detta."}, content_type=JSON)
    officer.post(f"{url}/ask-approval")
    refused = manager.post(f"{url}/approve")
    assert refused.status_code == 403
    assert Report.objects.get(pk=report_id).approved_by is None
