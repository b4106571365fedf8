"""Delegated decisions: the delegation order, decisions registered under it, the report
to the board at its next meeting, and the notice board for those not reported."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.models import DelegatedDecision, Section
from kansli.meetings.testing import make_body, make_meeting, make_secretary
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.testing import make_case, make_provision
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def order() -> dict[str, Any]:
    body = make_body(make_authority("SN", "Socialnämnden"))
    authority = body.authority
    return {
        "body": body,
        "officer": make_user(roles=[(Role.OFFICER, authority)]),
        "secretary": make_secretary(body),
        "reported": actions.do_add_delegation_point(
            authority, "3.1", "Beslut om försörjningsstöd", "Socialsekreterare", actor=None
        ),
        "announced": actions.do_add_delegation_point(
            authority,
            "9.2",
            "Yttrande över serveringstillstånd",
            "Enhetschef",
            reported=False,
            actor=None,
        ),
        "case": make_case("Ansökan om försörjningsstöd", authority=authority),
    }


def test_reported_decisions_become_one_item_on_the_next_agenda(order: dict[str, Any]) -> None:
    decision = actions.do_register_delegated_decision(
        order["reported"],
        order["case"],
        "Bifall, 4 200 kr",
        decided_on=timezone.localdate(),
        actor=order["officer"],
    )
    assert decision.document.document_type == "Delegationsbeslut"
    assert decision.posted_on is None
    meeting = make_meeting(order["body"])
    standing = make_case("Anmälan av delegationsbeslut 2026", authority=order["body"].authority)
    item = actions.do_report_delegated_decisions(meeting, standing, actor=order["secretary"])
    assert item.section == Section.DELEGATION and "3.1 Bifall, 4 200 kr" in item.proposal
    assert DelegatedDecision.objects.get().reported_in == item
    with pytest.raises(ValidationError, match="inga delegationsbeslut"):
        actions.do_report_delegated_decisions(meeting, standing, actor=order["secretary"])


def test_a_decision_that_is_not_reported_is_on_the_notice_board(order: dict[str, Any]) -> None:
    decision = actions.do_register_delegated_decision(
        order["announced"],
        order["case"],
        "Tillstyrkes",
        decided_on=timezone.localdate(),
        actor=order["officer"],
    )
    assert decision.appeal_ends == legal_deadline(timezone.localdate(), weeks=3)
    board = Client().get("/anslagstavla/").content.decode()
    assert "Tillstyrkes" in board and decision.appeal_ends.isoformat() in board


def test_bad_input_is_refused_and_nothing_is_registered(order: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="framtiden"):
        actions.do_register_delegated_decision(
            order["reported"],
            order["case"],
            "Bifall",
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
            actor=order["officer"],
        )
    elsewhere = make_case("Bygglov", authority=make_authority("MBN", "Miljö- och byggnadsnämnden"))
    with pytest.raises(ValidationError, match="hör inte till SN"):
        actions.do_register_delegated_decision(
            order["reported"],
            elsewhere,
            "Bifall",
            decided_on=timezone.localdate(),
            actor=order["officer"],
        )
    with pytest.raises(ValidationError, match="finns redan"):
        actions.do_add_delegation_point(order["body"].authority, "3.1", "X", "Y", actor=None)
    assert not DelegatedDecision.objects.exists()
    assert not order["case"].documents.exists()


def test_an_officer_registers_a_decision_in_the_browser(order: dict[str, Any]) -> None:
    officer = Client()
    officer.force_login(order["officer"])
    answer = officer.post(
        "/moten/delegation/",
        {
            "point": order["reported"].pk,
            "case_number": order["case"].case_number,
            "summary": "Avslag",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert answer.status_code == 302
    page = officer.get("/moten/delegation/").content.decode()
    assert "Avslag" in page and f"{order['case'].case_number}-1" in page
    wrong = officer.post(
        "/moten/delegation/",
        {
            "point": order["reported"].pk,
            "case_number": "SN 1999/9",
            "summary": "Avslag",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert "Inget ärende med det numret i SN" in wrong.content.decode()
    assert DelegatedDecision.objects.count() == 1


def test_a_secret_decision_is_read_only_by_those_who_may_and_reported_by_number(
    order: dict[str, Any],
) -> None:
    """A decision in an individual's matter is secrecy-marked: colleagues outside the
    case see that it is registered, not what it says, and the board's report (which
    becomes the public minutes) names it by number only."""
    case_officer = make_user(roles=[(Role.OFFICER, order["body"].authority)])
    registry.do_assign_officer(order["case"], case_officer, actor=None)
    decision = actions.do_register_delegated_decision(
        order["reported"],
        order["case"],
        "Bifall till Zqxsökande",
        decided_on=timezone.localdate(),
        actor=None,
    )
    registry.do_mark_secrecy(
        decision.document, make_provision(), withhold_description=True, actor=None
    )
    colleague = Client()
    colleague.force_login(order["officer"])
    page = colleague.get("/moten/delegation/").content.decode()
    assert decision.document.document_number in page and "Sekretess" in page
    assert "Zqxsökande" not in page
    officer = Client()
    officer.force_login(case_officer)
    assert "Zqxsökande" in officer.get("/moten/delegation/").content.decode()
    standing = make_case("Anmälan av delegationsbeslut 2026", authority=order["body"].authority)
    item = actions.do_report_delegated_decisions(
        make_meeting(order["body"]), standing, actor=order["secretary"]
    )
    assert f"3.1 {decision.document.document_number} (sekretess)" in item.proposal
    assert "Zqxsökande" not in item.proposal
