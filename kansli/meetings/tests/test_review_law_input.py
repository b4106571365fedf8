"""Review of issue 13 by a municipal lawyer and by a hostile caller: each test is one
finding (a wrong legal rule, or bad input half-saved), named for it; the first checks
the appeal periods by hand around the holidays of 2026/27.

Hand-computed last days of a laglighetsprövning (KL 13 kap. 5 §: three weeks from the
day the notice was posted, the same weekday three weeks on (Lag (1930:173) 1 §); a last
day on a Saturday, Sunday, allmän helgdag, midsommarafton, julafton or nyårsafton moves
to the next day that is none of them (2 §)):

| posted      | three weeks on                | moved past                 | last day |
|-------------|-------------------------------|----------------------------|----------|
| Thu 3 Dec   | Thu 24 Dec (julafton)         | 25 juldagen, 26, 27        | Mon 28/12|
| Thu 10 Dec  | Thu 31 Dec (nyårsafton)       | 1 Jan nyårsdagen, 2, 3     | Mon 4/1  |
| Tue 15 Dec  | Tue 5 Jan 2027 (work day)     | –                          | Tue 5/1  |
| Wed 16 Dec  | Wed 6 Jan (trettondedag jul)  | –                          | Thu 7/1  |
| Fri 5 Mar   | Fri 26 Mar (långfredagen)     | 27, 28 påskdagen, 29       | Tue 30/3 |
| Thu 11 Mar  | Thu 1 Apr (skärtorsdag, work) | –                          | Thu 1/4  |
| Thu 15 Apr  | Thu 6 May (Kristi himmelsf.)  | –                          | Fri 7/5  |
| Fri 4 Jun   | Fri 25 Jun (midsommarafton)   | 26 midsommardagen, 27      | Mon 28/6 |
(December 2026, the rest 2027.)
"""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, appeal
from kansli.meetings.models import AgendaItem, AppealRoute, Dissent, Paragraph, Vote
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.meetings.tests.test_appeal import approved
from kansli.org.models import ElectedPosition
from kansli.registry.testing import make_case
from kansli.web.testing import api_client, signed_in
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("posted", "last_day"),
    [
        (D(2026, 12, 3), D(2026, 12, 28)),
        (D(2026, 12, 10), D(2027, 1, 4)),
        (D(2026, 12, 15), D(2027, 1, 5)),
        (D(2026, 12, 16), D(2027, 1, 7)),
        (D(2027, 3, 5), D(2027, 3, 30)),
        (D(2027, 3, 11), D(2027, 4, 1)),
        (D(2027, 4, 15), D(2027, 5, 7)),
        (D(2027, 6, 4), D(2027, 6, 28)),
    ],
)
def test_appeal_periods_end_as_computed_by_hand_around_the_holidays(
    posted: datetime.date, last_day: datetime.date
) -> None:
    assert legal_deadline(posted, weeks=3) == last_day


@pytest.fixture
def held() -> dict[str, Any]:
    """A meeting of a nämnd with a § at which the chair and Bo Ny decide."""
    body = make_body()
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek")
    bo = make_member(body, first_name="Bo", last_name="Ny")
    eva = make_member(body, first_name="Eva", last_name="Lind")
    meeting = make_meeting(body)
    case = make_case("Detaljplan för Vargödalen", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Detaljplan", actor=None)
    return {
        "body": body,
        "secretary": make_secretary(body),
        "chair": chair,
        "bo": bo,
        "eva": eva,
        "meeting": meeting,
    }


def test_a_cancelled_meeting_takes_no_procedural_items(held: dict[str, Any]) -> None:
    """Items are refused on a cancelled meeting (require_not_cancelled), but the
    procedural ones (formalia) and the standard ones were still added to it, through
    the page and the API."""
    meeting, secretary = held["meeting"], held["secretary"]
    actions.do_cancel_meeting(meeting, "Inga ärenden av vikt.", actor=secretary)
    api = api_client(secretary)
    items, events = AgendaItem.objects.count(), AuditEvent.objects.count()
    url = f"/api/v1/meetings/{meeting.pk}/procedural-items"
    answer = api.post(url, {"title": "Val av justerare"}, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Sammanträdet är inställt."
    answer = api.post(f"/api/v1/meetings/{meeting.pk}/standard-items")
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Sammanträdet är inställt."
    page = signed_in(secretary).post(
        f"/moten/{meeting.pk}/formalia/", {"title": "Val av justerare", "section": "formalia"}
    )
    assert page.status_code in (200, 302, 400)
    assert AgendaItem.objects.count() == items
    assert AuditEvent.objects.count() == events


def test_a_reservations_reason_after_the_set_approval_time_is_refused(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KL 4 kap. 27 §: the written reason for a reservation is to be handed in before
    the time set for the approval of the minutes, not whenever the approval happens to
    take place. Kansli took it as long as the minutes were not yet approved."""
    meeting, secretary, eva = held["meeting"], held["secretary"], held["eva"]
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[held["bo"]], actor=secretary)
    record_present(minutes, held["chair"], held["bo"], eva)
    paragraph = minutes.paragraphs.get()
    motion = actions.do_add_motion(paragraph, held["bo"], "avslag", actor=secretary)
    dissent = actions.do_record_dissent(paragraph, held["bo"], motion, actor=secretary)
    minutes.approval_due = meeting.day
    minutes.save(update_fields=["approval_due"])
    meeting_over(monkeypatch, meeting, hours=24 * 3)  # three days after the set day
    late = f"senast vid justeringen {meeting.day:%Y-%m-%d}: den tiden har gått ut"
    with pytest.raises(ValidationError, match=late):
        actions.do_give_dissent_reason(dissent, "Planen tar jordbruksmark.", actor=secretary)
    assert Dissent.objects.get(pk=dissent.pk).reason == ""
    # Nor with a new reservation recorded then (the reservation itself, without its
    # reason, the secretary may still record from the notes of the meeting).
    with pytest.raises(ValidationError, match=late):
        actions.do_record_dissent(paragraph, eva, reason="Sent skäl.", actor=secretary)
    actions.do_record_dissent(paragraph, eva, actor=secretary)
    assert Dissent.objects.get(paragraph=paragraph, user=eva).reason == ""


def test_a_motion_that_lost_a_counter_proposition_vote_is_out_of_the_main_vote(
    held: dict[str, Any],
) -> None:
    """KL 5 kap. 54–55 §§ (propositionsordning): the counter-proposition vote picks the
    motion that meets the main proposal; the loser is out. Kansli let the loser be put
    to the main vote again, and its win there became the decision."""
    meeting, secretary = held["meeting"], held["secretary"]
    chair, bo, eva = held["chair"], held["bo"], held["eva"]
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[bo], actor=secretary)
    record_present(minutes, chair, bo, eva)
    paragraph = minutes.paragraphs.get()
    proposal = actions.do_add_motion(paragraph, chair, "bifall till förslaget", actor=secretary)
    reject = actions.do_add_motion(paragraph, bo, "avslag", actor=secretary)
    refer = actions.do_add_motion(paragraph, eva, "återremiss", actor=secretary)
    # The counter-proposition vote: återremiss (ja) against avslag (nej); återremiss wins.
    counter = {chair: "ja", bo: "nej", eva: "ja"}
    actions.do_record_vote(paragraph, refer, reject, counter, actor=secretary)
    with pytest.raises(ValidationError, match="Bo Nys yrkande föll"):
        actions.do_record_vote(
            paragraph, proposal, reject, {chair: "nej", bo: "nej", eva: "nej"}, actor=secretary
        )
    assert Vote.objects.filter(paragraph=paragraph).count() == 1
    assert paragraph.motions.get(adopted=True) == refer


def test_a_late_appeal_does_not_take_away_the_legal_force_already_gained() -> None:
    """An appeal that comes in after the appeal period is dismissed as late (KL 13 kap.
    5 §, FL 45 §): the decision gained legal force the day after the period ended and
    keeps it. Kansli dropped the day once any appeal was recorded, and the § page said
    the decision gains legal force only when the appeal is decided. Notice posted Tue 3
    November 2026: the period ends Tue 24 November, legal force Wed 25 November."""
    body = make_body()
    secretary = make_secretary(body)
    paragraph = approved(body, AppealRoute.LEGALITY, posted=D(2026, 11, 3))
    assert appeal.legal_force(paragraph) == D(2026, 11, 25)
    actions.do_record_appeal(paragraph, D(2026, 11, 30), actor=secretary)
    paragraph = Paragraph.objects.get(pk=paragraph.pk)
    assert appeal.legal_force(paragraph) == D(2026, 11, 25)
    page = signed_in(secretary).get(f"/moten/paragraf/{paragraph.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert "Beslutet vann laga kraft den 2026-11-25." in text
    assert "när överklagandet är prövat" not in text
    # One in time still stops it.
    in_time = approved(body, AppealRoute.LEGALITY, posted=D(2026, 11, 3))
    actions.do_record_appeal(in_time, D(2026, 11, 24), actor=secretary)
    assert appeal.legal_force(Paragraph.objects.get(pk=in_time.pk)) is None


def test_a_decision_over_the_apis_limit_is_refused_on_the_paragraph_page(
    held: dict[str, Any],
) -> None:
    """The API takes a decision, its reasons and a note of at most 100 000 characters
    (kansli.inputs.LongText); the § page's form had no limit on the decision and the
    note, and the action none at all, so a text twice the API's limit (or up to what
    Django reads of a form, 2.5 MB) was stored and printed."""
    meeting, secretary = held["meeting"], held["secretary"]
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[held["bo"]], actor=secretary)
    paragraph = minutes.paragraphs.get()
    events = AuditEvent.objects.count()
    huge = "Beslut. " * 25_000  # 200 000 characters
    client = signed_in(secretary)
    for field in ("decision", "note"):
        data = {"form": "decision", "decision": "Bifall.", "outcome": "beslutat"}
        data |= {"appeal_route": "laglighetsprovning", field: huge}
        answer = client.post(f"/moten/paragraf/{paragraph.pk}/", data, HTTP_ACCEPT_LANGUAGE="sv")
        assert answer.status_code == 200, field
        assert "högst 100000 tecken" in answer.content.decode(), field
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert (stored.decision, stored.note) == ("", "")
    assert AuditEvent.objects.count() == events
    with pytest.raises(ValidationError, match="högst 100000 tecken"):
        actions.do_record_decision(paragraph, decision=huge, actor=secretary)


def test_a_five_megabyte_text_on_the_paragraph_page_says_it_is_too_long(
    held: dict[str, Any],
) -> None:
    """Django reads at most 2.5 MB of a form's text: the secretary who pasted 5 MB is
    told the limit (413, in Swedish), and nothing is saved."""
    meeting, secretary = held["meeting"], held["secretary"]
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[held["bo"]], actor=secretary)
    paragraph = minutes.paragraphs.get()
    data = {"form": "decision", "decision": "Beslut. " * 655_360, "outcome": "beslutat"}
    data["appeal_route"] = "laglighetsprovning"
    answer = signed_in(secretary).post(
        f"/moten/paragraf/{paragraph.pk}/", data, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert Paragraph.objects.get(pk=paragraph.pk).decision == ""
    assert answer.status_code == 413 and "högst 2.5 MB" in answer.content.decode()


def test_the_attendance_keeps_members_and_substitutes_in_their_own_capacity(
    held: dict[str, Any],
) -> None:
    """Only the members and the substitutes serving in an absent member's place decide
    (KL 5 kap. 17–20 §§, 6 kap. 11 §). Kansli took a substitute recorded as a member, a
    seat and a vote more than the body has, and a member recorded as a substitute
    serving for another member. (A member present but not serving, one who came after
    a substitute took the seat, is recorded as present without serving.)"""
    meeting, secretary, chair, bo = held["meeting"], held["secretary"], held["chair"], held["bo"]
    sune = make_member(held["body"], ElectedPosition.SUBSTITUTE, first_name="Sune")
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[bo], actor=secretary)
    api = api_client(secretary)
    url = f"/api/v1/meetings/{meeting.pk}/attendance"
    events = AuditEvent.objects.count()
    for rows, problem in [
        ([{"capacity": "ledamot", "user_id": sune.pk}], "är ersättare"),
        (
            [{"capacity": "tjanstgorande_ersattare", "user_id": chair.pk, "replaces_id": bo.pk}],
            "är ledamot",
        ),
    ]:
        answer = api.put(url, {"rows": rows}, content_type="application/json")
        assert answer.status_code == 422, rows
        assert problem in answer.json()["detail"], answer.json()
    assert not minutes.attendance.exists()
    assert AuditEvent.objects.count() == events
    # In their own capacities they are taken: Sune serves for Bo, who is away.
    rows = [
        {"capacity": "ledamot", "user_id": chair.pk},
        {"capacity": "franvarande", "user_id": bo.pk},
        {"capacity": "tjanstgorande_ersattare", "user_id": sune.pk, "replaces_id": bo.pk},
    ]
    assert api.put(url, {"rows": rows}, content_type="application/json").status_code == 200
