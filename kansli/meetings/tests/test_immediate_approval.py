"""Omedelbar justering (KL 5 kap. 70 §): one § approved at the meeting by the chair who
presided and the approvers serving at it, with a notice of its own and its own appeal
period (KL 13 kap. 5 §), its extract ready to dispatch at once, and the § locked.

Dates worked out by hand from the calendar (Lag (1930:173): a period ending on a
Saturday, Sunday or public holiday runs to the next day that is none):

| approved at the meeting | notice posted   | three weeks on              | last day       |
|-------------------------|-----------------|-----------------------------|----------------|
| Wed 16 Dec 2026 15.00   | Wed 16 Dec 2026 | Wed 6 Jan 2027 (trettondag) | Thu 7 Jan 2027 |
| Sat 19 Dec 2026 11.00   | Mon 21 Dec 2026 | Mon 11 Jan 2027             | Mon 11 Jan 2027|

(approved on a Saturday, the notice goes up the next working day.)
"""

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, appeal
from kansli.meetings.actions.immediate import (
    do_approve_paragraph,
    do_mark_immediate_approval,
)
from kansli.meetings.models import (
    Meeting,
    Minutes,
    Notice,
    Paragraph,
    ParagraphApproval,
    ParagraphNotice,
)
from kansli.meetings.testing import make_body, make_member, make_secretary
from kansli.meetings.tests.test_appeal import extract_text
from kansli.org.models import ElectedPosition
from kansli.org.testing import make_authority
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import api_client, signed_in, sv

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime.datetime(2026, 12, 16, 13, 0)
SATURDAY = datetime.datetime(2026, 12, 19, 9, 0)


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime.datetime) -> None:
    aware = timezone.make_aware(moment)
    monkeypatch.setattr(timezone, "now", lambda: aware)


def held(
    starts: datetime.datetime, approvers: tuple[str, ...] = ("approver", "other")
) -> dict[str, Any]:
    """A meeting starting at `starts` with two items (the second non-public), the chair
    and the members Anders and Olle present, Bo absent; `approvers` chosen."""
    body = make_body()
    people = {
        "secretary": make_secretary(body),
        "chair": make_member(body, ElectedPosition.CHAIR, first_name="Carina", last_name="Ek"),
        "approver": make_member(body, first_name="Anders", last_name="Berg"),
        "away": make_member(body, first_name="Bo", last_name="Borta"),
        "other": make_member(body, first_name="Olle", last_name="Övrig"),
    }
    meeting = actions.do_schedule_meeting(
        body, timezone.make_aware(starts), "Sessionssalen", actor=None
    )
    # It ends at half past two; the minutes are approved only after (the end time is
    # given here as the schedule would give it).
    Meeting.objects.filter(pk=meeting.pk).update(
        ends_at=timezone.make_aware(starts.replace(hour=14, minute=30))
    )
    meeting.refresh_from_db()
    early = timezone.make_aware(starts) - datetime.timedelta(days=20)
    case = make_case("Borgen för Leksandsbostäder AB", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Kommunal borgen", at=early, actor=None)
    secret = make_case("Förhandling om markköp", authority=body.authority)
    item = actions.do_preregister_item(
        meeting, secret, title="Markköp av Anna Svensson", at=early, actor=None
    )
    actions.do_set_item_secrecy(item, make_provision("OSL 19 kap. 3 §"), actor=None)
    minutes = actions.do_open_minutes(
        meeting, approvers=[people[name] for name in approvers], actor=None
    )
    for person in (people["chair"], people["approver"], people["other"]):
        actions.do_record_attendance(minutes, person, "ledamot", actor=None)
    first, second = minutes.paragraphs.order_by("number")
    actions.do_record_decision(first, decision="Borgen beviljas.", actor=None)
    actions.do_record_decision(second, decision="Marken köps.", actor=None)
    return {**people, "meeting": meeting, "minutes": minutes, "first": first, "second": second}


def approve_at_once(data: dict[str, Any], paragraph: Paragraph) -> Paragraph:
    do_mark_immediate_approval(paragraph, actor=data["secretary"])
    for who in ("chair", "approver", "other"):
        do_approve_paragraph(paragraph, verified=True, actor=data[who])
    return Paragraph.objects.get(pk=paragraph.pk)


@pytest.mark.parametrize(
    ("starts", "signed", "posted", "last_day"),
    [
        (WEDNESDAY, 15, datetime.date(2026, 12, 16), datetime.date(2027, 1, 7)),
        (SATURDAY, 11, datetime.date(2026, 12, 21), datetime.date(2027, 1, 11)),
    ],
)
def test_an_immediately_approved_paragraph_gets_its_own_notice(
    monkeypatch: pytest.MonkeyPatch,
    starts: datetime.datetime,
    signed: int,
    posted: datetime.date,
    last_day: datetime.date,
) -> None:
    data = held(starts)
    at(monkeypatch, starts.replace(hour=signed))
    paragraph = approve_at_once(data, data["first"])
    assert paragraph.approved_at == timezone.make_aware(starts.replace(hour=signed))
    notice = ParagraphNotice.objects.get(paragraph=paragraph)
    assert (notice.posted_on, notice.appeal_ends) == (posted, last_day)
    assert appeal.legal_force(paragraph) == last_day + datetime.timedelta(days=1)
    # The rest of the minutes are not approved, and have no notice.
    assert data["minutes"].locked_at is None
    assert not Notice.objects.exists()
    assert set(ParagraphApproval.objects.values_list("user__first_name", flat=True)) == {
        "Carina",
        "Anders",
        "Olle",
    }
    actions_done = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"meetings.approve_paragraph", "meetings.post_paragraph_notice"} <= actions_done


def test_the_extract_counts_from_the_paragraph_notice_and_is_dispatched_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    paragraph = approve_at_once(data, data["first"])
    text = extract_text(paragraph)
    assert "Omedelbart justerad" in text
    assert "att paragrafen justerats omedelbart" in text
    assert "senast den 7 januari 2027" in text
    sent = actions.do_dispatch_decision(
        paragraph,
        [("Leksandsbostäder AB", "info@leksandsbostader.se", "epost")],
        actor=data["secretary"],
    )
    assert len(sent) == 1
    # Later the whole minutes are approved: the § keeps its notice, its extract and its
    # appeal period; the minutes' notice (posted a week later) does not move them.
    at(monkeypatch, datetime.datetime(2026, 12, 23, 10))
    for who in ("chair", "approver", "other"):
        actions.do_approve_minutes(data["minutes"], verified=True, actor=data[who])
    paragraph.refresh_from_db()
    assert Notice.objects.get().appeal_ends == datetime.date(2027, 1, 13)
    assert ParagraphNotice.objects.count() == 1
    assert paragraph.extract is not None and "senast den 7 januari 2027" in extract_text(paragraph)
    assert appeal.legal_force(paragraph) == datetime.date(2027, 1, 8)
    other = Paragraph.objects.get(pk=data["second"].pk)
    assert "senast den 13 januari 2027" in extract_text(other)
    minutes = Minutes.objects.get(pk=data["minutes"].pk)
    assert minutes.sealed is not None
    with minutes.sealed.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Paragrafen förklarades omedelbart justerad" in text


def test_the_decision_cannot_be_changed_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    paragraph = approve_at_once(data, data["first"])
    events = AuditEvent.objects.count()
    secretary = data["secretary"]
    refusals = [
        lambda: actions.do_record_decision(paragraph, decision="Avslås.", actor=secretary),
        lambda: actions.do_record_decisions(
            data["minutes"], {paragraph: {"decision": "Avslås."}}, actor=secretary
        ),
        lambda: actions.do_record_conflict(paragraph, data["other"], actor=secretary),
        lambda: actions.do_record_dissent(paragraph, data["other"], actor=secretary),
        lambda: actions.do_add_motion(paragraph, data["other"], "avslag", actor=secretary),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match="omedelbart justerad"):
            refused()
    assert Paragraph.objects.get(pk=paragraph.pk).decision == "Borgen beviljas."
    assert AuditEvent.objects.count() == events
    # The other § stays open.
    actions.do_record_decision(data["second"], decision="Marken köps inte.", actor=secretary)


def test_only_the_presiding_chair_and_approvers_serving_at_the_paragraph_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = held(WEDNESDAY, approvers=("approver", "other", "away"))
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    paragraph = data["first"]
    do_mark_immediate_approval(paragraph, actor=data["secretary"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Bo Borta tjänstgör inte vid § "):
        do_approve_paragraph(paragraph, verified=True, actor=data["away"])
    with pytest.raises(PermissionDenied, match="inte ordförande eller justerare"):
        do_approve_paragraph(paragraph, verified=True, actor=data["secretary"])
    with pytest.raises(PermissionDenied, match="andra faktor"):
        do_approve_paragraph(paragraph, verified=False, actor=data["chair"])
    # Olle leaves before the §: he no longer serves at it and cannot sign it.
    number = paragraph.number
    actions.do_record_attendance(
        data["minutes"], data["other"], "ledamot", from_paragraph=number + 1, actor=None
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Olle Övrig tjänstgör inte"):
        do_approve_paragraph(paragraph, verified=True, actor=data["other"])
    do_approve_paragraph(paragraph, verified=True, actor=data["chair"])
    with pytest.raises(ValidationError, match="redan justerat paragrafen"):
        do_approve_paragraph(paragraph, verified=True, actor=data["chair"])
    assert ParagraphApproval.objects.count() == 1
    assert AuditEvent.objects.count() == events + 1
    assert Paragraph.objects.get(pk=paragraph.pk).approved_at is None


def test_refused_before_marking_before_the_meeting_and_after_the_minutes_are_approved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = held(WEDNESDAY)
    paragraph, secretary = data["first"], data["secretary"]
    at(monkeypatch, WEDNESDAY.replace(hour=12))
    with pytest.raises(ValidationError, match="först när sammanträdet börjat"):
        do_mark_immediate_approval(paragraph, actor=secretary)
    at(monkeypatch, WEDNESDAY.replace(hour=14))
    with pytest.raises(ValidationError, match="inte anmäld för omedelbar justering"):
        do_approve_paragraph(paragraph, verified=True, actor=data["chair"])
    with pytest.raises(PermissionDenied):
        do_mark_immediate_approval(paragraph, actor=data["chair"])
    do_mark_immediate_approval(paragraph, actor=secretary)
    at(monkeypatch, WEDNESDAY.replace(hour=16))
    for who in ("chair", "approver", "other"):
        actions.do_approve_minutes(data["minutes"], verified=True, actor=data[who])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="justerat och låst"):
        do_approve_paragraph(paragraph, verified=True, actor=data["chair"])
    with pytest.raises(ValidationError, match="justerat och låst"):
        do_mark_immediate_approval(data["second"], actor=secretary)
    assert AuditEvent.objects.count() == events
    assert not ParagraphNotice.objects.exists()


def test_the_notice_board_lists_the_paragraph_a_non_public_one_by_its_heading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    approve_at_once(data, data["first"])
    approve_at_once(data, data["second"])
    page = Client().get("/anslagstavla/").content.decode()
    first, second = data["first"].number, data["second"].number
    assert f"Omedelbart justerad § {first} Kommunal borgen" in page
    assert f"Omedelbart justerad § {second}" in page
    assert "Markköp" not in page and "Anna Svensson" not in page
    assert "2027-01-07" in page
    # After the appeal period the notice comes down by itself.
    at(monkeypatch, datetime.datetime(2027, 1, 8, 9))
    page = Client().get("/anslagstavla/").content.decode()
    assert "Omedelbart justerad" not in page


def test_through_the_pages_and_who_gets_404(monkeypatch: pytest.MonkeyPatch) -> None:
    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    paragraph, second = data["first"], data["second"]
    mark_url = f"/moten/paragraf/{paragraph.pk}/omedelbar/"
    sign_url = f"/moten/paragraf/{paragraph.pk}/justera/"
    outsider_body = make_body(make_authority(code="BN"))
    strangers = [make_secretary(outsider_body), make_member(outsider_body), data["away"]]
    for stranger in strangers:  # another authority's staff or members, a member not signing
        assert signed_in(stranger).post(sign_url).status_code == 404
        assert signed_in(stranger).post(mark_url).status_code == 404
    assert Client().post(mark_url).status_code == 302  # to the login
    # The chair signs nothing before the secretary puts the § up: a clear refusal.
    refused = signed_in(data["chair"]).post(sign_url)
    assert refused.status_code == 200
    assert "inte anmäld för omedelbar justering" in refused.content.decode()
    secretary = signed_in(data["secretary"])
    assert secretary.get(f"/moten/paragraf/{paragraph.pk}/").status_code == 200
    assert secretary.post(mark_url).status_code == 302
    minutes_url = f"/moten/{data['meeting'].pk}/protokoll/"
    page = signed_in(data["chair"]).get(minutes_url).content.decode()
    assert sv("Approve § %(number)s now", number=paragraph.number) in page
    for who in ("chair", "approver", "other"):
        assert signed_in(data[who]).post(sign_url).status_code == 302
    page = secretary.get(f"/moten/paragraf/{paragraph.pk}/").content.decode()
    assert (
        sv(
            "Approved immediately at the meeting (%(at)s): the § cannot be changed.",
            at="2026-12-16 15.00",
        )
        in page
    )
    assert 'value="decision"' not in page  # no form to change it
    assert Paragraph.objects.get(pk=paragraph.pk).extract is not None
    # The non-public § is not to be marked by someone who may not read it either.
    assert (
        signed_in(strangers[0]).post(f"/moten/paragraf/{second.pk}/omedelbar/").status_code == 404
    )


def test_the_api_puts_the_paragraph_up_and_tells_where_it_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    paragraph = data["first"]
    url = f"/api/v1/paragraphs/{paragraph.pk}/immediate-approval"
    secretary = api_client(data["secretary"])
    outsider = make_secretary(make_body(make_authority(code="BN")))
    for stranger in (api_client(outsider), api_client(data["chair"])):
        assert stranger.post(url).status_code == 404
        assert stranger.get(url).status_code == 404
    assert secretary.post("/api/v1/paragraphs/999999/immediate-approval").status_code == 404
    answer = secretary.post(url)
    assert answer.status_code == 200
    assert set(answer.json()["waiting_for"]) == {"Anders Berg", "Carina Ek", "Olle Övrig"}
    again = secretary.post(url)
    assert again.status_code == 422 and "redan anmäld" in again.json()["detail"]
    for who in ("chair", "approver", "other"):
        do_approve_paragraph(paragraph, verified=True, actor=data[who])
    status = secretary.get(url).json()
    assert (status["posted_on"], status["appeal_ends"]) == ("2026-12-16", "2027-01-07")
    assert status["waiting_for"] == [] and len(status["signed_by"]) == 3


def test_an_immediate_extract_cut_short_is_finished_by_the_secretary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renderer fails after the last signature: the § stays approved with its
    notice, no extract is half-stored, and the secretary finishes it from the minutes
    page before the rest of the minutes are approved."""
    from kansli.meetings import pdf

    data = held(WEDNESDAY)
    at(monkeypatch, WEDNESDAY.replace(hour=15))
    real = pdf.extract_pdf

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("the renderer died")

    monkeypatch.setattr(pdf, "extract_pdf", broken)
    with pytest.raises(OSError):
        approve_at_once(data, data["first"])
    paragraph = Paragraph.objects.get(pk=data["first"].pk)
    assert paragraph.approved_at is not None and paragraph.extract_id is None
    assert ParagraphNotice.objects.filter(paragraph=paragraph).exists()
    monkeypatch.setattr(pdf, "extract_pdf", real)
    secretary = signed_in(data["secretary"])
    page = secretary.get(f"/moten/{data['meeting'].pk}/protokoll/").content.decode()
    assert sv("The extract of an immediately approved § was not made.") in page
    url = f"/moten/{data['meeting'].pk}/protokoll/forsegla/"
    signed_in(data["chair"]).post(url, {"confirm": "on"})  # not the secretary: nothing
    assert Paragraph.objects.get(pk=paragraph.pk).extract_id is None
    secretary.post(url, {"confirm": "on"})
    paragraph.refresh_from_db()
    assert paragraph.extract is not None and data["minutes"].locked_at is None
    page = secretary.get(f"/moten/{data['meeting'].pk}/protokoll/").content.decode()
    assert sv("The extract of an immediately approved § was not made.") not in page
