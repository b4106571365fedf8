"""Delegated decisions: the delegation order, decisions registered under it, the report
to the board at its next meeting, and the notice board for those not reported."""

import datetime
import decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions
from kansli.meetings.actions.delegation import do_post_delegated_decision as post_delegated_decision
from kansli.meetings.actions.delegation import do_set_delegates as set_delegates
from kansli.meetings.models import AppealRoute, DelegatedDecision, Section
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Classification
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import api_client
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def order() -> dict[str, Any]:
    body = make_body(make_authority("SN", "Socialnämnden"))
    authority = body.authority
    officer = make_user(roles=[(Role.OFFICER, authority)], first_name="Anna", last_name="Ek")
    substitute = make_user(roles=[(Role.OFFICER, authority)], first_name="Bo", last_name="Berg")
    return {
        "body": body,
        "officer": officer,
        "substitute": substitute,
        "registrar": make_user(roles=[(Role.REGISTRAR, authority)]),
        "secretary": make_secretary(body),
        "reported": actions.do_add_delegation_point(
            authority,
            "3.1",
            "Beslut om försörjningsstöd",
            "Socialsekreterare",
            delegates=[officer, substitute],
            actor=None,
        ),
        "announced": actions.do_add_delegation_point(
            authority,
            "9.2",
            "Yttrande över serveringstillstånd",
            "Enhetschef",
            reported=False,
            delegates=[officer],
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
        decided_by=order["officer"],
        actor=order["officer"],
    )
    assert decision.document.document_type == "Delegationsbeslut"
    assert decision.posted_on is None
    meeting = make_meeting(order["body"])
    standing = make_case("Anmälan av delegationsbeslut 2026", authority=order["body"].authority)
    item = actions.do_report_delegated_decisions(meeting, standing, actor=order["secretary"])
    day = f"{timezone.localdate():%Y-%m-%d}"
    assert item.section == Section.DELEGATION
    assert f"3.1 Bifall, 4 200 kr (Anna Ek {day})" in item.proposal
    assert DelegatedDecision.objects.get().reported_in == item
    with pytest.raises(ValidationError, match="inga delegationsbeslut"):
        actions.do_report_delegated_decisions(meeting, standing, actor=order["secretary"])


def test_a_decision_that_is_not_reported_is_posted_only_when_posted(
    order: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday 4 December 2026: three weeks end on juldagen, a Friday; Saturday is
    annandag jul and then a Sunday, so the appeal period runs to Monday 28 December
    (KL 13 kap. 5 §, lag (1930:173) 2 §)."""
    friday = timezone.make_aware(datetime.datetime(2026, 12, 4, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: friday)
    decision = register(order, order["announced"], "Tillstyrkes Qwposten")
    assert decision.posted_on is None and decision.appeal_ends is None
    assert "Qwposten" not in Client().get("/anslagstavla/").content.decode()
    with pytest.raises(PermissionDenied):
        post_delegated_decision(decision, actor=order["officer"])
    post_delegated_decision(decision, actor=order["secretary"])
    decision.refresh_from_db()
    assert decision.posted_on == datetime.date(2026, 12, 4)
    assert decision.appeal_ends == datetime.date(2026, 12, 28)
    board = Client().get("/anslagstavla/").content.decode()
    assert "Qwposten" in board and "2026-12-28" in board
    with pytest.raises(ValidationError, match="anslogs redan 2026-12-04"):
        post_delegated_decision(decision, actor=order["registrar"])
    after = timezone.make_aware(datetime.datetime(2026, 12, 29, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: after)
    assert "Qwposten" not in Client().get("/anslagstavla/").content.decode()


def test_posting_is_refused_where_it_starts_no_appeal_period(order: dict[str, Any]) -> None:
    administrative = actions.do_add_delegation_point(
        order["body"].authority,
        "5.1",
        "Beslut om bistånd enligt SoL",
        "Socialsekreterare",
        reported=False,
        appeal_route=AppealRoute.ADMINISTRATIVE,
        delegates=[order["officer"]],
        actor=None,
    )
    for point, refusal in [
        (administrative, "förvaltningsbesvär"),
        (order["reported"], "anmäls till nämnden"),
    ]:
        decision = register(order, point, "Bifall")
        with pytest.raises(ValidationError, match=refusal):
            post_delegated_decision(decision, actor=order["secretary"])
        decision.refresh_from_db()
        assert decision.posted_on is None
    assert not AuditEvent.objects.filter(action="meetings.post_delegated_decision").exists()


def test_the_public_board_shows_a_posted_secret_decision_by_number_and_point_only(
    order: dict[str, Any],
) -> None:
    secret = register(order, order["announced"], "Tillstyrkes Zqxhemlig")
    registry.do_mark_secrecy(
        secret.document, make_provision(), withhold_description=True, actor=None
    )
    post_delegated_decision(secret, actor=order["secretary"])
    board = Client().get("/anslagstavla/").content.decode()
    assert secret.document.document_number in board and "Yttrande över serveringstillstånd" in board
    assert "Zqxhemlig" not in board


def test_the_registrar_registers_on_the_delegates_behalf(order: dict[str, Any]) -> None:
    decision = register(order, order["reported"], "Bifall", actor=order["registrar"])
    decision.refresh_from_db()
    assert decision.decided_by == order["officer"]
    assert decision.registered_by == order["registrar"]
    assert "(Anna Ek)" in decision.document.description  # the case shows who decided
    # Another officer may register their own decisions only.
    colleague = make_user(roles=[(Role.OFFICER, order["body"].authority)])
    with pytest.raises(PermissionDenied, match="andras delegationsbeslut"):
        register(order, order["reported"], "Bifall", actor=colleague)


def test_only_the_delegate_or_a_substitute_in_their_place_decides(order: dict[str, Any]) -> None:
    outsider = make_user(roles=[(Role.OFFICER, order["body"].authority)], first_name="Cecilia")
    with pytest.raises(ValidationError, match=r"Cecilia är inte delegat för punkt 3\.1"):
        register(order, order["reported"], "Bifall", decided_by=outsider, actor=None)
    with pytest.raises(ValidationError, match=r"Bo Berg är ersättare för punkt 3\.1"):
        register(order, order["reported"], "Bifall", decided_by=order["substitute"])
    with pytest.raises(ValidationError, match="inte ersättare för Bo Berg"):
        register(
            order,
            order["reported"],
            "Bifall",
            decided_by=order["officer"],
            substitute_for=order["substitute"],
        )
    assert_nothing_saved(order)
    decision = register(
        order,
        order["reported"],
        "Bifall",
        decided_by=order["substitute"],
        substitute_for=order["officer"],
    )
    assert decision.decided_by == order["substitute"]
    assert decision.substitute_for == order["officer"]


def test_a_decision_outside_the_points_limits_is_refused_and_nothing_saved(
    order: dict[str, Any],
) -> None:
    authority = order["body"].authority
    allowance = Classification.objects.create(authority=authority, code="7.1", title="Bistånd")
    other = Classification.objects.create(authority=authority, code="2.4", title="Upphandling")
    point = actions.do_add_delegation_point(
        authority,
        "7.3",
        "Bistånd till kostnader för begravning",
        "Socialsekreterare",
        delegates=[order["officer"]],
        classifications=[allowance],
        max_amount=decimal.Decimal("25000"),
        actor=None,
    )
    elsewhere = make_case("Upphandling av skrivare", authority=authority, classification=other)
    inside = make_case("Ansökan om bistånd", authority=authority, classification=allowance)
    refusals: list[tuple[Any, decimal.Decimal | None, str]] = [
        (elsewhere, decimal.Decimal("1000"), "gäller bara ärenden i klass 7.1 Bistånd"),
        (inside, decimal.Decimal("25001"), "mer än punkt 7.3 tillåter"),
        (inside, None, "beloppsgräns"),
        (inside, decimal.Decimal("-5"), "negativt"),
    ]
    for case, amount, refusal in refusals:
        with pytest.raises(ValidationError, match=refusal):
            register(order, point, "Bifall", case=case, amount=amount)
    assert_nothing_saved(order, elsewhere, inside)
    decision = register(order, point, "Bifall", case=inside, amount=decimal.Decimal("25000"))
    assert decision.amount == decimal.Decimal("25000")


def test_the_order_changes_through_an_audited_action(order: dict[str, Any]) -> None:
    point = order["reported"]
    with pytest.raises(ValidationError, match="en gång"):
        set_delegates(point, [order["officer"], order["officer"]], actor=None)
    with pytest.raises(ValidationError, match="minst en"):
        set_delegates(point, [], actor=None)
    with pytest.raises(PermissionDenied):
        set_delegates(point, [order["substitute"]], actor=order["secretary"])
    set_delegates(point, [order["substitute"], order["officer"]], actor=None)
    assert [d.user for d in point.delegates.all()] == [order["substitute"], order["officer"]]
    event = AuditEvent.objects.get(action="meetings.set_delegates")
    assert event.before == {"delegates": ["Anna Ek", "Bo Berg"]}
    assert event.after == {"delegates": ["Bo Berg", "Anna Ek"]}
    assert register(order, point, "Bifall", decided_by=order["substitute"]).pk


def test_another_authoritys_staff_neither_see_nor_post_the_decision(
    order: dict[str, Any],
) -> None:
    decision = register(order, order["announced"], "Tillstyrkes Zqxannan")
    other = make_body(make_authority("BUN", "Barn- och utbildningsnämnden")).authority
    stranger = make_user(roles=[(Role.SECRETARY, other), (Role.REGISTRAR, other)])
    with pytest.raises(PermissionDenied):
        post_delegated_decision(decision, actor=stranger)
    browser = Client()
    browser.force_login(stranger)
    assert "Zqxannan" not in browser.get("/moten/delegation/").content.decode()
    assert browser.post(f"/moten/delegation/{decision.pk}/anslag/").status_code == 404
    decision.refresh_from_db()
    assert decision.posted_on is None


def register(order: dict[str, Any], point: Any, summary: str, **kwargs: Any) -> Any:
    """A decision registered by the decider themself unless an actor is given."""
    decided_by = kwargs.pop("decided_by", order["officer"])
    return actions.do_register_delegated_decision(
        point,
        kwargs.pop("case", order["case"]),
        summary,
        decided_on=timezone.localdate(),
        decided_by=decided_by,
        actor=kwargs.pop("actor", decided_by),
        **kwargs,
    )


def assert_nothing_saved(order: dict[str, Any], *cases: Any) -> None:
    assert not DelegatedDecision.objects.exists()
    for case in [order["case"], *cases]:
        assert not case.documents.exists()
    assert not AuditEvent.objects.filter(action="meetings.register_delegated_decision").exists()


def test_bad_input_is_refused_and_nothing_is_registered(order: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="framtiden"):
        actions.do_register_delegated_decision(
            order["reported"],
            order["case"],
            "Bifall",
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
            decided_by=order["officer"],
            actor=order["officer"],
        )
    elsewhere = make_case("Bygglov", authority=make_authority("MBN", "Miljö- och byggnadsnämnden"))
    with pytest.raises(ValidationError, match="hör inte till SN"):
        actions.do_register_delegated_decision(
            order["reported"],
            elsewhere,
            "Bifall",
            decided_on=timezone.localdate(),
            decided_by=order["officer"],
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
            "decided_by": order["officer"].pk,
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
            "decided_by": order["officer"].pk,
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
        decided_by=order["officer"],
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


def test_the_page_asks_for_the_decider_among_the_points_delegates(order: dict[str, Any]) -> None:
    officer = Client()  # the registrar, registering on the delegates' behalf
    officer.force_login(order["registrar"])
    page = officer.get(f"/moten/delegation/?punkt={order['reported'].pk}").content.decode()
    assert page.index("1. Anna Ek") < page.index("2. Bo Berg")
    assert 'name="amount"' not in page and 'name="substitute_for"' in page
    fields = {
        "point": order["reported"].pk,
        "decided_by": order["substitute"].pk,
        "case_number": order["case"].case_number,
        "summary": "Avslag",
        "decided_on": timezone.localdate().isoformat(),
    }
    refused = officer.post("/moten/delegation/", fields).content.decode()
    assert "Bo Berg är ersättare för punkt 3.1: ange vem hen ersatte." in refused
    outsider = make_user(roles=[(Role.OFFICER, order["body"].authority)])
    wrongs: list[dict[str, Any]] = [
        {"decided_by": outsider.pk},
        {"summary": "x" * 501},
        {"point": 999_999},
    ]
    for wrong in wrongs:
        answer = officer.post("/moten/delegation/", fields | wrong)
        assert answer.status_code == 200
    assert not DelegatedDecision.objects.exists() and not order["case"].documents.exists()
    limited = actions.do_add_delegation_point(
        order["body"].authority,
        "4.2",
        "Avskrivning av fordran",
        "Ekonomichef",
        delegates=[order["officer"]],
        max_amount=decimal.Decimal("10000"),
        actor=None,
    )
    page = officer.get(f"/moten/delegation/?punkt={limited.pk}").content.decode()
    assert 'name="amount"' in page
    over = fields | {"point": limited.pk, "decided_by": order["officer"].pk, "amount": "12000"}
    assert "mer än punkt 4.2 tillåter" in officer.post("/moten/delegation/", over).content.decode()
    assert officer.post("/moten/delegation/", over | {"amount": "9000"}).status_code == 302
    assert DelegatedDecision.objects.get().amount == decimal.Decimal("9000")


def test_the_secretary_posts_from_the_page_and_others_may_not(order: dict[str, Any]) -> None:
    decision = register(order, order["announced"], "Tillstyrkes")
    url = f"/moten/delegation/{decision.pk}/anslag/"
    officer = Client()
    officer.force_login(order["officer"])
    assert url not in officer.get("/moten/delegation/").content.decode()
    refused = officer.post(url, follow=True).content.decode()
    assert "behörighet att anslå delegationsbeslut" in refused
    secretary = Client()
    secretary.force_login(order["secretary"])
    assert url in secretary.get("/moten/delegation/").content.decode()
    assert secretary.post(url).status_code == 302
    decision.refresh_from_db()
    assert decision.posted_on == timezone.localdate()
    page = secretary.get("/moten/delegation/").content.decode()
    assert f"anslaget {timezone.localdate():%Y-%m-%d}" in page and url not in page
    assert secretary.post("/moten/delegation/999999/anslag/").status_code == 404


def test_the_api_registers_for_the_delegate_and_posts_with_json_errors(
    order: dict[str, Any],
) -> None:
    registrar = api_client(order["registrar"])
    url = "/api/v1/delegation/decisions"
    fields = {
        "point_id": order["announced"].pk,
        "case_id": order["case"].pk,
        "summary": "Tillstyrkes",
        "decided_on": timezone.localdate().isoformat(),
        "decided_by_id": order["officer"].pk,
    }
    outsider = make_user(roles=[(Role.OFFICER, order["body"].authority)])
    elsewhere = make_case("Bygglov", authority=make_authority("MBN", "Miljö- och byggnadsnämnden"))
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"decided_by_id": outsider.pk}, "Personen är inte delegat för punkt 9.2."),
        ({"point_id": 999_999}, "Punkten finns inte i delegationsordningen."),
        ({"case_id": elsewhere.pk}, "Ärendet finns inte i SN."),
        ({"summary": " "}, "Skriv kort vad som beslutades."),
        ({"summary": "x" * 501}, ""),
    ]
    for wrong, detail in refusals:
        answer = registrar.post(url, fields | wrong, content_type="application/json")
        assert answer.status_code == 422, answer.content
        assert detail in answer.json()["detail"]
    assert not DelegatedDecision.objects.exists() and not order["case"].documents.exists()
    created = registrar.post(url, fields, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["decided_by"], body["registered_by"]) == ("Anna Ek", str(order["registrar"]))
    assert body["posted_on"] is None
    post = f"{url}/{body['id']}/post"
    officer = api_client(order["officer"])
    assert officer.post(post).status_code == 403
    stranger = api_client(
        make_user(roles=[(Role.SECRETARY, make_body(make_authority("BUN")).authority)])
    )
    assert stranger.post(post).json() == {"detail": "Hittades inte."}
    posted = api_client(order["secretary"]).post(post)
    assert posted.status_code == 200
    assert posted.json()["appeal_ends"] == legal_deadline(timezone.localdate(), weeks=3).isoformat()
    again = api_client(order["secretary"]).post(post)
    assert again.status_code == 422 and "anslogs redan" in again.json()["detail"]


def test_a_reported_decision_shows_its_paragraph_and_appeal_end(
    order: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The appeal time of a reported decision runs from the notice of the minutes where
    it was reported (KL 13 kap. 5 §), shown on the delegation page."""
    chair = make_member(order["body"], ElectedPosition.CHAIR)
    register(order, order["reported"], "Bifall")
    meeting = make_meeting(order["body"])
    standing = make_case("Anmälan av delegationsbeslut 2026", authority=order["body"].authority)
    actions.do_report_delegated_decisions(meeting, standing, actor=order["secretary"])
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    record_present(minutes, chair)
    meeting_over(monkeypatch, meeting)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    paragraph = minutes.paragraphs.get()
    ends = minutes.notice.appeal_ends
    secretary = Client()
    secretary.force_login(order["secretary"])
    page = secretary.get("/moten/delegation/").content.decode()
    expected = f"anmält i SN § {paragraph.number}, överklagbart t.o.m. {ends:%Y-%m-%d}"
    assert expected in page
