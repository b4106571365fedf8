"""The sändlistor API: keeping a list, a remiss to it, the record of a send; JSON errors,
nothing half-saved, and 404 to those who may not read."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kansli.distribution import actions
from kansli.distribution.models import Channel, Dispatch, DistributionList, Member
from kansli.distribution.testing import make_list
from kansli.distribution.tests.test_pages import other_municipality_staff
from kansli.distribution.tests.test_sending import document_with_file
from kansli.meetings import actions as meetings
from kansli.meetings.models import Paragraph
from kansli.meetings.testing import make_body, make_member, make_secretary
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_provision, make_registrar
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db


def test_a_registrar_keeps_a_list_through_the_api() -> None:
    ks = make_authority()
    api = api_client(make_registrar(ks))
    made = api.post(
        "/api/v1/distribution-lists", {"name": "Remissinstanser", "authority_id": ks.pk},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    list_id = made.json()["id"]
    url = f"/api/v1/distribution-lists/{list_id}/members"
    bad = api.post(url, {"kind": "extern", "channel": "brev", "name": "Trafikverket"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "postadress" in bad.content.decode()
    member_in = {"kind": "extern", "channel": "epost", "name": "Trafikverket",
                 "email": "tv@trafikverket.se"}  # fmt: skip
    good = api.post(url, member_in, content_type="application/json")
    assert good.status_code == 201
    (member,) = good.json()["members"]
    assert member["address"] == "tv@trafikverket.se"
    removed = api.delete(f"{url}/{member['id']}")
    assert removed.status_code == 200 and removed.json()["members"] == []
    officer = api_client(make_user(roles=[(Role.OFFICER, ks)]))
    refused = officer.post(url, member_in, content_type="application/json")
    assert refused.status_code == 403
    assert DistributionList.objects.get().members.count() == 0


def test_a_remiss_through_the_api_and_its_record_behind_the_gate() -> None:
    ks = make_authority()
    case = make_case("Detaljplan", authority=ks)
    document = document_with_file(case)
    dlist = make_list(ks)
    api = api_client(make_registrar(ks))
    reply_by = timezone.localdate() + datetime.timedelta(days=21)
    sent = api.post(
        f"/api/v1/documents/{document.pk}/referrals",
        {"list_id": dlist.pk, "reply_by": reply_by.isoformat()},
        content_type="application/json",
    )
    assert sent.status_code == 201
    body = sent.json()
    assert body["reply_by"] == reply_by.isoformat() and len(body["recipients"]) == 2
    assert body["registered_as"].startswith(case.case_number)
    dispatch = Dispatch.objects.get()
    outsider = api_client(other_municipality_staff())
    assert outsider.get(f"/api/v1/dispatches/{dispatch.pk}").status_code == 404
    assert outsider.get(f"/api/v1/distribution-lists/{dlist.pk}").status_code == 404
    again = outsider.post(
        f"/api/v1/documents/{document.pk}/referrals",
        {"list_id": dlist.pk, "reply_by": reply_by.isoformat()},
        content_type="application/json",
    )
    assert again.status_code == 404 and Dispatch.objects.count() == 1


def test_the_send_of_a_non_public_decision_is_read_only_by_those_who_read_the_paragraph(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A decision's send names its case too; an officer who reads the case but not the
    non-public § (OSL 26 kap. 1 §) gets 404 for the send as for the decision, not its
    recipients' names and addresses."""
    body = make_body()
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR)
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = meetings.do_schedule_meeting(body, starts, "Sessionssalen", actor=None)
    case = make_case("Placering av barn", authority=body.authority)
    item = meetings.do_preregister_item(
        meeting, case, title="Placering", at=starts - datetime.timedelta(days=20), actor=None
    )
    meetings.do_set_item_secrecy(
        item, make_provision("OSL 26 kap. 1 §"), public_title="Individärende", actor=secretary
    )
    minutes = meetings.do_open_minutes(meeting, approvers=[], actor=None)
    meetings.do_record_attendance(minutes, chair, "ledamot", actor=None)
    paragraph = minutes.paragraphs.get()
    meetings.do_record_decision(paragraph, decision="Placering beslutas.", actor=None)
    meetings.do_close_meeting(meeting, starts + datetime.timedelta(hours=2), actor=None)
    meetings.do_approve_minutes(
        minutes, verified=True, at=starts + datetime.timedelta(hours=3), actor=chair
    )
    dlist = make_list(body.authority, "Berörda")
    actions.do_add_member(dlist, Member.Kind.EXTERNAL, Channel.LETTER, name="Familjehemmet Berg",
                          postal_address="Bergsvägen 3, 123 45 By", actor=None)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_decision(
            Paragraph.objects.get(pk=paragraph.pk), dlist, actor=secretary
        )
    officer = api_client(make_user("handl", roles=[(Role.OFFICER, body.authority)]))
    assert officer.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert officer.get(f"/api/v1/paragraphs/{paragraph.pk}/decision").status_code == 404
    answer = officer.get(f"/api/v1/dispatches/{dispatch.pk}")
    assert answer.status_code == 404 and "Bergsvägen" not in answer.content.decode()
    assert api_client(secretary).get(f"/api/v1/dispatches/{dispatch.pk}").status_code == 200
