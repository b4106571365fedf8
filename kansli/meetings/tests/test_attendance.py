"""Attendance as ranges (issue 13 part 1): the whole attendance set in one action,
several ranges per person, substitutes serving for whom, guests who are not users, bad
rows refused one message each with nothing saved, and who presides at each § (the vice
chair where the chair is absent or disqualified)."""

import io
from typing import Any

import pypdf
import pytest
from django.core.exceptions import ValidationError

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, pdf
from kansli.meetings.actions import Row, serving
from kansli.meetings.models import Attendance, Minutes
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db

Capacity = Attendance.Capacity
PARAGRAPHS = 10


@pytest.fixture
def held() -> dict[str, Any]:
    """A board with its chair, vice chair, three members and a substitute, and minutes
    of ten § (§ 1–10)."""
    body = make_body()
    people = {
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek"),
        "vice": make_member(body, ElectedPosition.VICE_CHAIR, first_name="Vera", last_name="Al"),
        "anders": make_member(body, first_name="Anders", last_name="Berg"),
        "bo": make_member(body, first_name="Bo", last_name="Borta"),
        "cecilia": make_member(body, first_name="Cecilia", last_name="Dahl"),
        "sven": make_member(body, ElectedPosition.SUBSTITUTE, first_name="Sven", last_name="Ek"),
    }
    meeting = make_meeting(body)
    for number in range(PARAGRAPHS):
        case = make_case(f"Ärende {number}", authority=body.authority)
        actions.do_preregister_item(meeting, case, title=f"Punkt {number}", actor=None)
    minutes = actions.do_open_minutes(
        meeting, approvers=[people["anders"]], actor=people["secretary"]
    )
    return {**people, "meeting": meeting, "minutes": minutes, "body": body}


def members(held: dict[str, Any], *names: str) -> list[Row]:
    return [Row(Capacity.MEMBER, held[name]) for name in names]


def set_rows(held: dict[str, Any], rows: list[Row], **kwargs: Any) -> Minutes:
    actions.do_set_attendance(held["minutes"], rows, actor=held["secretary"], **kwargs)
    return held["minutes"]


def presiding(minutes: Minutes) -> dict[int, int | None]:
    return dict(minutes.paragraphs.values_list("number", "presiding_id"))


def test_a_member_leaving_at_paragraph_5_serves_until_it(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held,
        [
            *members(held, "chair", "anders", "cecilia"),
            Row(Capacity.MEMBER, held["bo"], to_paragraph=5),
        ],
    )
    assert held["bo"].pk in serving(minutes, 3)
    assert held["bo"].pk in serving(minutes, 5)
    assert held["bo"].pk not in serving(minutes, 6)
    assert held["chair"].pk in serving(minutes, 6)


def test_a_member_who_left_and_came_back_has_two_ranges(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held,
        [
            *members(held, "chair", "anders"),
            Row(Capacity.MEMBER, held["bo"], to_paragraph=4),
            Row(Capacity.MEMBER, held["bo"], from_paragraph=8),
        ],
    )
    assert minutes.attendance.filter(user=held["bo"]).count() == 2
    assert [n for n in range(1, 11) if held["bo"].pk in serving(minutes, n)] == [
        1,
        2,
        3,
        4,
        8,
        9,
        10,
    ]


def test_a_substitute_serves_for_an_absent_member(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held,
        [
            *members(held, "chair", "anders", "bo"),
            Row(Capacity.ABSENT, held["cecilia"]),
            Row(Capacity.SUBSTITUTE, held["sven"], replaces=held["cecilia"]),
        ],
    )
    deciding = serving(minutes, 1)
    assert held["sven"].pk in deciding and held["cecilia"].pk not in deciding
    assert deciding[held["sven"].pk].replaces == held["cecilia"]


def test_a_substitute_serves_for_a_member_who_left(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held,
        [
            *members(held, "chair", "anders"),
            Row(Capacity.MEMBER, held["bo"], to_paragraph=5),
            Row(Capacity.SUBSTITUTE_PRESENT, held["sven"], to_paragraph=5),
            Row(Capacity.SUBSTITUTE, held["sven"], replaces=held["bo"], from_paragraph=6),
        ],
    )
    assert held["sven"].pk not in serving(minutes, 5)
    assert held["sven"].pk in serving(minutes, 6) and held["bo"].pk not in serving(minutes, 6)


def test_a_guest_who_is_not_a_user_is_named(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held,
        [*members(held, "chair"), Row(Capacity.GUEST, name=" Anna Berg ", role_title="revisor")],
    )
    guest = minutes.attendance.get(capacity=Capacity.GUEST)
    assert (guest.user, guest.name, guest.role_title) == (None, "Anna Berg", "revisor")
    assert serving(minutes, 1).keys() == {held["chair"].pk}


def test_setting_attendance_replaces_it_whole_in_one_audited_step(held: dict[str, Any]) -> None:
    set_rows(held, members(held, "chair", "anders", "bo"))
    events = AuditEvent.objects.count()
    minutes = set_rows(held, members(held, "chair", "anders"))
    assert set(minutes.attendance.values_list("user_id", flat=True)) == {
        held["chair"].pk,
        held["anders"].pk,
    }
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "meetings.set_attendance"
    assert event.before is not None and event.after is not None
    assert len(event.before["attendance"]) == 3 and len(event.after["attendance"]) == 2


def test_a_member_recorded_absent_cannot_approve(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = set_rows(held, [*members(held, "chair", "bo"), Row(Capacity.ABSENT, held["anders"])])
    meeting_over(monkeypatch, held["meeting"])
    with pytest.raises(ValidationError, match="Anders Berg var inte närvarande"):
        actions.do_approve_minutes(minutes, verified=True, actor=held["anders"])
    assert not minutes.approvals.exists()


def test_the_chair_presides_and_the_vice_chair_where_the_chair_is_disqualified(
    held: dict[str, Any],
) -> None:
    minutes = set_rows(held, members(held, "chair", "vice", "anders"))
    assert set(presiding(minutes).values()) == {held["chair"].pk}
    second = minutes.paragraphs.get(number=2)
    actions.do_record_conflict(second, held["chair"], actor=held["secretary"])
    assert presiding(minutes)[2] == held["vice"].pk
    assert presiding(minutes)[1] == held["chair"].pk
    # Entered again, the rule still gives the vice chair at § 2; the chair approves.
    set_rows(held, members(held, "chair", "vice", "anders"))
    assert presiding(minutes)[2] == held["vice"].pk
    assert actions.presiding_chair(minutes) == held["chair"].pk
    assert actions.approvers_of(minutes) == {held["chair"].pk, held["anders"].pk}


def test_the_vice_chair_presides_where_the_chair_is_not_there(held: dict[str, Any]) -> None:
    minutes = set_rows(
        held, [Row(Capacity.MEMBER, held["chair"], from_paragraph=7), *members(held, "vice")]
    )
    assert [presiding(minutes)[n] == held["vice"].pk for n in (1, 6, 7)] == [True, True, False]
    # The vice chair presided at most §, and approves as chair.
    assert actions.presiding_chair(minutes) == held["vice"].pk
    assert held["vice"].pk in actions.approvers_of(minutes)


def test_with_neither_chair_no_one_presides_until_the_secretary_picks(
    held: dict[str, Any],
) -> None:
    minutes = set_rows(held, members(held, "anders", "bo"))
    assert set(presiding(minutes).values()) == {None}
    set_rows(held, members(held, "anders", "bo"), presiding={3: held["bo"]})
    assert presiding(minutes)[3] == held["bo"].pk
    # The choice stays when the attendance is entered again, as long as Bo serves.
    set_rows(held, [*members(held, "anders", "bo"), Row(Capacity.GUEST, name="Gäst")])
    assert presiding(minutes)[3] == held["bo"].pk
    set_rows(held, [*members(held, "anders"), Row(Capacity.MEMBER, held["bo"], to_paragraph=2)])
    assert presiding(minutes)[3] is None


def test_one_who_does_not_serve_cannot_be_chosen_to_preside(held: dict[str, Any]) -> None:
    set_rows(held, members(held, "chair", "anders"))
    with pytest.raises(ValidationError, match="Bo Borta tjänstgör inte där"):
        set_rows(held, members(held, "chair", "anders"), presiding={2: held["bo"]})


def refused(held: dict[str, Any], rows: list[Row], *expected: str) -> None:
    """The rows are refused, each bad row named with its reason, and nothing changes."""
    minutes = held["minutes"]
    before = list(minutes.attendance.values_list("pk", "user_id", "capacity"))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        set_rows(held, rows)
    messages = error.value.message_dict
    for text in expected:
        assert any(text in message for found in messages.values() for message in found), messages
    assert list(minutes.attendance.values_list("pk", "user_id", "capacity")) == before
    assert AuditEvent.objects.count() == events


def test_bad_rows_are_refused_one_message_each_and_nothing_is_saved(held: dict[str, Any]) -> None:
    set_rows(held, members(held, "chair", "anders"))
    outsider = make_user(first_name="Olle", last_name="Utomstående")
    elsewhere = make_authority("BN", "Byggnadsnämnden")
    other_body = make_body(elsewhere)
    stranger = make_member(other_body, first_name="Stina", last_name="Annan")
    refused(
        held,
        [
            Row(Capacity.MEMBER, held["bo"], to_paragraph=5),
            Row(Capacity.MEMBER, held["bo"], from_paragraph=5),
            Row(Capacity.MEMBER, outsider),
            Row(Capacity.MEMBER, stranger),
            Row(Capacity.MEMBER, held["anders"], from_paragraph=11),
            Row(Capacity.GUEST),
        ],
        "Rad 2 (Bo Borta): närvaron överlappar",
        "Rad 3 (Olle Utomstående): är inte ledamot eller ersättare",
        "Rad 4 (Stina Annan): är inte ledamot eller ersättare",
        "Rad 5 (Anders Berg): § 11 finns inte i protokollet (§ 1–10)",
        "Rad 6 ((namn saknas)): välj en person eller skriv ett namn",
    )


def test_a_member_cannot_be_replaced_twice_nor_while_present(held: dict[str, Any]) -> None:
    sara = make_member(held["body"], ElectedPosition.SUBSTITUTE, first_name="Sara", last_name="Sol")
    refused(
        held,
        [
            Row(Capacity.SUBSTITUTE, held["sven"], replaces=held["cecilia"]),
            Row(Capacity.SUBSTITUTE, sara, replaces=held["cecilia"], from_paragraph=4),
        ],
        "Rad 2 (Sara Sol): Cecilia Dahl ersätts redan av Sven Ek vid § 4",
    )
    refused(
        held,
        [
            Row(Capacity.MEMBER, held["cecilia"], to_paragraph=3),
            Row(Capacity.SUBSTITUTE, held["sven"], replaces=held["cecilia"], from_paragraph=3),
        ],
        "Rad 2 (Sven Ek): Cecilia Dahl är närvarande och kan inte ersättas vid § 3",
    )
    refused(
        held,
        [Row(Capacity.SUBSTITUTE, held["sven"]), Row(Capacity.SUBSTITUTE, sara, replaces=sara)],
        "Rad 1 (Sven Ek): ange vilken ledamot",
        "Rad 2 (Sara Sol): kan inte tjänstgöra för sig själv",
    )


def test_an_official_with_no_role_in_the_municipality_is_refused(held: dict[str, Any]) -> None:
    official = make_user(
        roles=[(Role.SECRETARY, held["body"].authority)], first_name="Tove", last_name="Tjänst"
    )
    set_rows(held, [*members(held, "chair"), Row(Capacity.OFFICIAL, official)])
    loner = make_user(first_name="Lars", last_name="Ensam")
    refused(held, [Row(Capacity.OFFICIAL, loner)], "Rad 1 (Lars Ensam): hör inte till kommunen")


def test_one_person_recorded_at_a_time_keeps_the_others(held: dict[str, Any]) -> None:
    minutes = held["minutes"]
    actions.do_record_attendance(minutes, held["chair"], Capacity.MEMBER, actor=None)
    actions.do_record_attendance(minutes, held["anders"], Capacity.MEMBER, actor=None)
    actions.do_record_attendance(
        minutes, held["anders"], Capacity.MEMBER, to_paragraph=3, actor=None
    )
    assert minutes.attendance.count() == 2
    assert held["anders"].pk not in serving(minutes, 4)
    assert presiding(minutes)[1] == held["chair"].pk


def pdf_text(minutes: Minutes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf.minutes_pdf(minutes)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_minutes_pdf_lists_the_attendance_by_group_with_ranges(held: dict[str, Any]) -> None:
    official = make_user(
        roles=[(Role.REGISTRAR, held["body"].authority)], first_name="Tove", last_name="Tjänst"
    )
    minutes = set_rows(
        held,
        [
            Row(Capacity.MEMBER, held["chair"], to_paragraph=5),
            Row(Capacity.MEMBER, held["chair"], from_paragraph=7),
            *members(held, "vice", "anders"),
            Row(Capacity.MEMBER, held["bo"], from_paragraph=3, to_paragraph=5),
            Row(Capacity.MEMBER, held["bo"], from_paragraph=9),
            Row(Capacity.ABSENT, held["cecilia"]),
            Row(Capacity.SUBSTITUTE, held["sven"], replaces=held["cecilia"]),
            Row(Capacity.OFFICIAL, official, role_title="registrator"),
            Row(Capacity.GUEST, name="Anna Berg", role_title="revisor"),
        ],
    )
    text = pdf_text(minutes)
    order = ["Beslutande", "Tjänstgörande ersättare", "Övriga närvarande", "Frånvarande"]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "Carina Ek Ordförande (§ 1–5, 7–10)" in text
    assert "Bo Borta Ledamot (§ 3–5, 9–10)" in text
    assert "Anders Berg Ledamot, justerare" in text
    assert "Sven Ek Tjänstgörande ersättare för Cecilia Dahl" in text
    assert "Anna Berg revisor" in text and "Tove Tjänst registrator" in text
    absent = text[text.index("Frånvarande") :]
    assert absent.startswith("Frånvarande Cecilia Dahl")
    # The vice chair presided at § 6 only, which says so; the chair's § do not.
    assert text.count("Ordförande: Vera Al") == 1
    assert "Ordförande: Carina Ek" not in text
