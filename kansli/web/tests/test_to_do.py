"""The start page says what is to be done next: the officer's open cases with those
overdue and due within a week, and the registrar's unanswered requests for public
documents with the oldest one's day; counted through the read gate, and nothing for
someone who has nothing to do."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kansli.meetings import actions as meetings
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import CaseStatus
from kansli.registry.testing import make_case, make_incoming, make_registrar
from kansli.requests.testing import make_request

pytestmark = pytest.mark.django_db


def page(user: User) -> str:
    client = Client()
    client.force_login(user)
    return " ".join(client.get("/").content.decode().split())


def test_the_officer_sees_open_overdue_and_soon_due_cases() -> None:
    ks = make_authority("KS")
    officer = make_user("handlaggare", roles=[(Role.OFFICER, ks)])
    other = make_user("kollega", roles=[(Role.OFFICER, ks)])
    today = timezone.localdate()
    due = [today - datetime.timedelta(1), today + datetime.timedelta(3), None,
           today + datetime.timedelta(30)]  # fmt: skip
    opened = timezone.now() - datetime.timedelta(days=20)
    for day in due:
        case = make_case(authority=ks, opened_at=opened)
        actions.do_assign_officer(case, officer, actor=None)
        actions.do_set_due_date(case, day, actor=None)
    closed = make_case(authority=ks, opened_at=opened)
    actions.do_assign_officer(closed, officer, actor=None)
    actions.do_set_due_date(closed, today - datetime.timedelta(10), actor=None)
    actions.do_change_case_status(closed, CaseStatus.CLOSED, actor=None)
    actions.do_assign_officer(make_case(authority=ks), other, actor=None)
    shown = page(officer)
    assert "Att göra" in shown
    assert '4 öppna ärenden</a>, <strong class="overdue">1 försenat</strong>' in shown
    assert "1 ska vara klart inom en vecka." in shown
    assert "utan handläggningsbesked" not in shown  # none began with an incoming document
    assert "begäran" not in shown.casefold().split("att göra")[1].split("dina roller")[0]


def test_the_registrar_sees_unanswered_requests_oldest_first() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    first = make_request(ks)
    make_request(ks)
    make_request(make_authority("BUN"))  # not the registrar's authority
    shown = page(registrar)
    oldest = timezone.localtime(first.received_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f"2 begäranden om allmän handling är inte besvarade</a>, den äldsta kom in {oldest}."
    ) in shown


def test_nothing_to_do_shows_no_list() -> None:
    shown = page(make_user("ny", roles=[(Role.OFFICER, make_authority("KS"))]))
    assert "Att göra" not in shown and "Dina roller" in shown


def test_an_approver_is_asked_to_approve_until_they_have(monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_body()
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    approver = make_member(body, first_name="Anders")
    member = make_member(body, first_name="Maja")
    meeting = make_meeting(body)
    case = make_case("Detaljplan för Vargödalen", authority=body.authority)
    meetings.do_preregister_item(meeting, case, title="Detaljplan för Vargödalen", actor=None)
    minutes = meetings.do_open_minutes(meeting, approvers=[approver], actor=None)
    record_present(minutes, chair, approver, member)
    asked = f"Justera protokollet från {body} {timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    assert asked not in page(approver)  # the meeting has not been held
    meeting_over(monkeypatch, meeting)
    assert asked in page(approver) and asked in page(chair)
    assert asked not in page(member)
    client = Client()
    client.force_login(approver)
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 200
    meetings.do_approve_minutes(minutes, verified=True, actor=approver)
    assert asked not in page(approver) and asked in page(chair)


def test_the_secretary_sees_the_next_meetings_with_deadlines_and_missing_reports() -> None:
    body = make_body()
    secretary = make_secretary(body)
    first, second = make_meeting(body, days_ahead=20), make_meeting(body, days_ahead=40)
    meetings.do_preregister_item(first, make_case(authority=body.authority), title="Utan skrivelse",
                                 actor=None)  # fmt: skip
    cancelled = make_meeting(body, days_ahead=10)
    meetings.do_cancel_meeting(cancelled, reason="Inga ärenden", actor=None)
    shown = page(secretary)
    day = f"{timezone.localtime(first.starts_at):%Y-%m-%d}"
    assert (
        f"Sammanträde med {body} {day}</a>: stoppdag {first.item_deadline:%Y-%m-%d}, "
        f'utskick {first.dispatch_day:%Y-%m-%d}, <strong class="overdue">1 ärende utan '
        "tjänsteskrivelse</strong>."
    ) in shown
    assert f"Sammanträde med {body} {timezone.localtime(second.starts_at):%Y-%m-%d}</a>" in shown
    # By its link: its bare date may be another meeting's dispatch day.
    assert f"Sammanträde med {body} {timezone.localtime(cancelled.starts_at):%Y-%m-%d}</a>" not in (
        shown
    )
    assert "Sammanträde med" not in page(
        make_user("handlaggare2", roles=[(Role.OFFICER, body.authority)])
    )


def test_the_manager_sees_the_team_s_load_most_overdue_first() -> None:
    ks = make_authority("KS")
    manager = make_user("chef", roles=[(Role.MANAGER, ks)])
    anna = make_user("anna", roles=[(Role.OFFICER, ks)], first_name="Anna", last_name="Ek")
    bo = make_user("bo", roles=[(Role.OFFICER, ks)], first_name="Bo", last_name="Al")
    opened = timezone.now() - datetime.timedelta(days=20)
    yesterday = timezone.localdate() - datetime.timedelta(1)
    for officer, due in [(anna, None), (anna, None), (bo, yesterday)]:
        case = make_case(authority=ks, opened_at=opened)
        actions.do_assign_officer(case, officer, actor=None)
        actions.do_set_due_date(case, due, actor=None)
    make_case(authority=ks)  # not yet assigned
    make_case(authority=make_authority("BUN"))  # not the manager's authority
    shown = page(manager)
    rows = shown.split("Ditt teams öppna ärenden")[1].split("</table>")[0]
    assert rows.index("Bo Al") < rows.index("Anna Ek") < rows.index("Ingen handläggare ännu")
    assert (
        '<th scope="row">Bo Al</th><td class="number">1</td>'
        '<td class="number"><strong class="overdue">1</strong>' in rows
    )
    assert '<th scope="row">Anna Ek</th><td class="number">2</td><td class="number">0' in rows
    assert "Ditt teams" not in page(anna)


def test_the_officer_sees_cases_still_without_an_acknowledgement(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ks = make_authority("KS")
    officer = make_user("handlaggare", roles=[(Role.OFFICER, ks)])
    cases = [make_case(authority=ks), make_case(authority=ks)]
    for case in cases:
        make_incoming(case, counterpart="Anna Andersson")
        actions.do_assign_officer(case, officer, actor=None)
    assert "2 utan handläggningsbesked." in page(officer)
    client = Client()
    client.force_login(officer)
    sent = client.post(reverse("registry:register-acknowledgement", args=[cases[0].pk]))
    assert sent.status_code == 302
    assert "1 utan handläggningsbesked." in page(officer)


def test_the_secretary_follows_minutes_not_yet_approved(monkeypatch: pytest.MonkeyPatch) -> None:
    body = make_body()
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    approver = make_member(body, first_name="Anders")
    secretary = make_secretary(body)
    other_secretary = make_secretary(make_body(make_authority("BUN", "Barn- och utbildning")))
    meeting = make_meeting(body)
    case = make_case("Detaljplan för Vargödalen", authority=body.authority)
    meetings.do_preregister_item(meeting, case, title="Detaljplan för Vargödalen", actor=None)
    minutes = meetings.do_open_minutes(meeting, approvers=[approver], actor=None)
    record_present(minutes, chair, approver)
    waiting = f"Protokollet från {body} {timezone.localtime(meeting.starts_at):%Y-%m-%d} är inte"
    assert waiting not in page(secretary)  # not yet held
    meeting_over(monkeypatch, meeting)
    assert waiting in page(secretary)
    assert waiting not in page(other_secretary) and waiting not in page(approver)
    meetings.do_approve_minutes(minutes, verified=True, actor=approver)
    assert waiting in page(secretary)  # the chair has not approved
    meetings.do_approve_minutes(minutes, verified=True, actor=chair)
    assert waiting not in page(secretary)  # approved, and its notice posted at once


def test_the_registrar_sees_the_inbox_waiting_with_the_oldest_ones_time(
    settings: Any, tmp_path: Any
) -> None:
    from kansli.files.store import store_bytes

    settings.MEDIA_ROOT = tmp_path / "media"
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildning")
    registrar, other = make_registrar(ks), make_registrar(bun, "bunreg")
    first = actions.do_receive_in_inbox(ks, store_bytes(b"brev ett", "ett.txt"), "ett.txt",
                                        actor=registrar)  # fmt: skip
    actions.do_receive_in_inbox(ks, store_bytes(b"brev tva", "tva.txt"), "tva.txt",
                                actor=registrar)  # fmt: skip
    oldest = timezone.localtime(first.received_at).strftime("%Y-%m-%d %H:%M")
    line = f"2 poster i inkorgen som inte är registrerade</a>, den äldsta kom in {oldest}."
    assert line in page(registrar)
    assert "i inkorgen som inte är registrerad" not in page(other)


@pytest.mark.django_db(transaction=True)  # the disposal scrubs the WAL, outside a transaction
def test_the_disposal_list_waits_on_each_reviewers_start_page_in_turn() -> None:
    """Arkivlagen 10 §: the manager reviews, another person approves as archivist, and
    the archivist carries it out; each sees the list when it is their turn, nobody else."""
    from kansli.retention import disposal
    from kansli.retention.testing import make_archivist

    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildning")
    archivist, manager = (
        make_archivist(ks, "arkivarie"),
        make_user("chef", roles=[(Role.MANAGER, ks)]),
    )
    stranger = make_user("bunchef", roles=[(Role.MANAGER, bun), (Role.ARCHIVIST, bun)])
    run = disposal.do_list_disposal(ks, on=datetime.date(2026, 11, 30), actor=archivist)
    review = "Granska gallringslistan för KS per 2026-11-30</a>"
    approve = "Godkänn gallringslistan för KS per 2026-11-30</a>"
    carry_out = "Gallra enligt den godkända gallringslistan för KS per 2026-11-30</a>"
    assert review in page(manager) and f'href="/gallring/{run.pk}/"' in page(manager)
    assert "gallringslistan" not in page(archivist) + page(stranger)
    disposal.do_review_disposal(run, excluded={}, actor=manager)
    assert approve in page(archivist)
    assert "gallringslistan" not in page(manager) + page(stranger)
    disposal.do_approve_disposal(run, excluded={}, actor=archivist)
    assert carry_out in page(archivist)
    assert "gallringslistan" not in page(manager) + page(stranger)
    disposal.do_dispose(run, actor=archivist)
    assert "gallringslistan" not in page(archivist)


def test_an_exported_transfer_waits_for_its_receipt_on_the_archivists_start_page(
    tmp_path: Any,
) -> None:
    from kansli.archive import actions as archive
    from kansli.retention.testing import make_archivist

    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildning")
    archivist, other = make_archivist(ks, "arkivarie"), make_archivist(bun, "bunarkivarie")
    transfer = archive.do_start_transfer(ks, datetime.date(2024, 1, 1), tmp_path / "ut",
                                         actor=archivist)  # fmt: skip
    line = f"Registrera e-arkivets kvittens av leverans {transfer.pk} från KS</a>"
    assert line not in page(archivist)  # still being exported
    archive.do_export_transfer(transfer, actor=archivist)
    assert line in page(archivist) and f'href="/e-arkiv/{transfer.pk}/"' in page(archivist)
    assert "kvittens" not in page(other)
    archive.do_register_receipt(transfer, "EA-2026-17", timezone.localdate(),
                                actor=archivist)  # fmt: skip
    assert line not in page(archivist)
