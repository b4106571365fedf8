"""One case through committee administration by the actions: pre-registration, agenda,
dispatch, minutes with a vote and a conflict of interest, approval, notice, extract and
dispatch of the decision; and the bad input each step refuses."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.chain import verify
from kansli.meetings import actions
from kansli.meetings.models import (
    AgendaItem,
    Approval,
    Ballot,
    Meeting,
    Minutes,
    Notice,
    Outcome,
    Paragraph,
)
from kansli.meetings.signing import verify_seal
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_user
from kansli.registry.models import CaseStatus, Document
from kansli.registry.testing import make_case
from kansli.workdays.actions import do_add_closed_day
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(settings: Any, tmp_path: Any) -> dict[str, Any]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    body = make_body()
    people = {
        "body": body,
        "secretary": make_secretary(body),
        "officer": make_user(roles=[(Role.OFFICER, body.authority)], first_name="Olle"),
        "chair": make_member(
            body, ElectedPosition.CHAIR, first_name="Carina", email="carina@example.se"
        ),
        "approver": make_member(body, first_name="Anders", email="anders@example.se"),
        "member": make_member(body, first_name="Maja", email="maja@example.se"),
        "substitute": make_member(body, ElectedPosition.SUBSTITUTE, first_name="Sven"),
    }
    people["meeting"] = make_meeting(body)
    people["later"] = make_meeting(body, days_ahead=60)
    people["case"] = make_case("Detaljplan för Vargödalen", authority=body.authority)
    return people


def prepared(cast: dict[str, Any]) -> Any:
    report = actions.do_write_report(
        cast["case"],
        title="Detaljplan för Vargödalen",
        background="Planen har varit på samråd.",
        assessment="Planen kan antas.",
        proposal="Nämnden antar detaljplanen.",
        actor=cast["officer"],
    )
    return actions.do_preregister_item(
        cast["meeting"],
        cast["case"],
        title="Detaljplan för Vargödalen",
        proposal="Nämnden antar detaljplanen.",
        report=report,
        actor=cast["officer"],
    )


def held(cast: dict[str, Any]) -> Minutes:
    prepared(cast)
    actions.do_dispatch_meeting(cast["meeting"], actor=cast["secretary"])
    minutes = actions.do_open_minutes(
        cast["meeting"],
        approvers=[cast["approver"]],
        approval_place="Kommunhuset",
        actor=cast["secretary"],
    )
    for who in ["chair", "approver", "member"]:
        actions.do_record_attendance(minutes, cast[who], "ledamot", actor=cast["secretary"])
    return minutes


def test_deadlines_count_working_days_around_holidays(cast: dict[str, Any]) -> None:
    meeting = cast["meeting"]
    meeting.starts_at = timezone.make_aware(datetime.datetime(2026, 1, 13, 13))
    # Back from Tuesday 13 January 2026: 7 working days skip trettondedag jul, nyårsdagen,
    # nyårsafton and the weekends; 15 skip julafton, juldagen and annandag jul too.
    assert meeting.dispatch_day == datetime.date(2025, 12, 30)
    assert meeting.item_deadline == datetime.date(2025, 12, 15)
    # The municipality closes its offices on Friday 2 January (a klämdag): one day more.
    municipality = cast["body"].authority.municipality
    do_add_closed_day(municipality, datetime.date(2026, 1, 2), "Klämdag", actor=None)
    again = Meeting.objects.get(pk=meeting.pk)
    again.starts_at = meeting.starts_at
    assert again.dispatch_day == datetime.date(2025, 12, 29)


def test_a_prepared_item_is_on_the_agenda_and_marked_when_late_or_incomplete(
    cast: dict[str, Any],
) -> None:
    item = prepared(cast)
    assert item.report is not None and item.report.case == cast["case"]
    assert item.report.files.get().name == "tjansteskrivelse.pdf"
    assert not item.missing and not item.late and not item.extra
    bare = actions.do_preregister_item(
        cast["meeting"],
        make_case("Motion om cykelbanor", authority=cast["body"].authority),
        title="Motion om cykelbanor",
        actor=cast["officer"],
    )
    assert bare.missing == ["tjänsteskrivelse", "förslag till beslut"]
    near = make_meeting(cast["body"], days_ahead=3)
    assert actions.do_preregister_item(near, cast["case"], title="Sent", actor=cast["officer"]).late
    actions.do_dispatch_meeting(cast["meeting"], actor=cast["secretary"])
    extra = actions.do_preregister_item(
        cast["meeting"], cast["case"], title="Extra ärende", actor=cast["officer"]
    )
    assert extra.extra
    # The notice sent again with the extra item: it stays an extra ärende.
    actions.do_dispatch_meeting(cast["meeting"], actor=cast["secretary"])
    assert AgendaItem.objects.select_related("meeting").get(pk=extra.pk).extra


def test_dispatch_makes_the_notice_and_pack_and_mails_the_members(
    cast: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    prepared(cast)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = actions.do_dispatch_meeting(cast["meeting"], actor=cast["secretary"])
    assert meeting.notice is not None and meeting.pack is not None
    with meeting.pack.open() as pack:
        assert pack.read(5) == b"%PDF-"
    sent = {address for message in mail.outbox for address in message.to}
    assert {"carina@example.se", "anders@example.se", "maja@example.se"} <= sent
    assert f"/moten/portal/{meeting.pk}/" in mail.outbox[0].body


def test_the_paragraph_numbers_continue_and_a_clash_is_refused(cast: dict[str, Any]) -> None:
    minutes = held(cast)
    first = minutes.paragraphs.get().number
    later: Meeting = cast["later"]
    actions.do_preregister_item(
        later, cast["case"], title="Uppföljning", proposal="Noteras.", actor=cast["officer"]
    )
    with pytest.raises(ValidationError, match=f"§ {first} finns redan"):
        actions.do_open_minutes(later, approvers=[], first=first, actor=cast["secretary"])
    assert not Minutes.objects.filter(meeting=later).exists()
    assert (
        actions.do_open_minutes(later, approvers=[], actor=cast["secretary"])
        .paragraphs.get()
        .number
        == first + 1
    )


def test_a_member_with_a_conflict_cannot_vote(cast: dict[str, Any]) -> None:
    minutes = held(cast)
    paragraph = minutes.paragraphs.get()
    secretary = cast["secretary"]
    actions.do_record_conflict(paragraph, cast["member"], actor=secretary)
    proposal = actions.do_add_motion(
        paragraph, cast["chair"], "bifall till förslaget", actor=secretary
    )
    against = actions.do_add_motion(paragraph, cast["approver"], "avslag", actor=secretary)
    with pytest.raises(ValidationError, match="jävig"):
        actions.do_record_vote(
            paragraph,
            proposal,
            against,
            {cast["chair"]: "ja", cast["approver"]: "nej", cast["member"]: "nej"},
            actor=secretary,
        )
    assert not Ballot.objects.exists()
    vote = actions.do_record_vote(
        paragraph,
        proposal,
        against,
        {cast["chair"]: "ja", cast["approver"]: "nej"},
        actor=secretary,
    )
    assert (vote.winner, vote.casting_vote) == (proposal, True)  # the chair's casting vote
    with pytest.raises(ValidationError, match="tjänstgör inte"):
        actions.do_record_vote(
            paragraph,
            proposal,
            against,
            {cast["chair"]: "ja", cast["approver"]: "nej", cast["substitute"]: "ja"},
            actor=secretary,
        )


def test_approval_locks_seals_posts_the_notice_and_registers_the_extract(
    cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held(cast)
    meeting_over(monkeypatch, cast["meeting"])
    paragraph = minutes.paragraphs.get()
    with pytest.raises(PermissionDenied, match="andra faktor"):
        actions.do_approve_minutes(minutes, verified=False, actor=cast["chair"])
    with pytest.raises(PermissionDenied, match="justerare"):
        actions.do_approve_minutes(minutes, verified=True, actor=cast["member"])
    actions.do_approve_minutes(minutes, verified=True, actor=cast["chair"])
    with pytest.raises(ValidationError, match="redan justerat"):
        actions.do_approve_minutes(minutes, verified=True, actor=cast["chair"])
    assert Approval.objects.count() == 1
    minutes.refresh_from_db()
    assert minutes.locked_at is None
    actions.do_approve_minutes(minutes, verified=True, actor=cast["approver"])
    minutes.refresh_from_db()
    assert minutes.locked_at is not None and minutes.sealed is not None
    with minutes.sealed.open() as sealed:
        check = verify_seal(sealed.read())
    assert check.intact and check.valid and check.trusted and check.covers_whole_document
    notice = Notice.objects.get(minutes=minutes)
    assert notice.posted_on == timezone.localdate()
    assert notice.appeal_ends == legal_deadline(notice.posted_on, weeks=3)
    paragraph.refresh_from_db()
    extract: Document = paragraph.extract
    assert extract.case == cast["case"] and extract.description.startswith("Protokollsutdrag")
    cast["case"].refresh_from_db()
    assert cast["case"].status == CaseStatus.DECIDED
    with pytest.raises(ValidationError, match="låst"):
        actions.do_record_decision(paragraph, decision="Något annat", actor=cast["secretary"])
    assert Paragraph.objects.get().decision == "Nämnden antar detaljplanen."
    assert verify().broken_seq is None


def test_a_decision_is_dispatched_by_mail_and_letter(
    cast: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held(cast)
    meeting_over(monkeypatch, cast["meeting"])
    paragraph = minutes.paragraphs.get()
    with pytest.raises(ValidationError, match="justerat"):
        actions.do_dispatch_decision(
            paragraph, [("Exploatören AB", "info@exploator.se", "epost")], actor=cast["secretary"]
        )
    for who in ["chair", "approver"]:
        actions.do_approve_minutes(minutes, verified=True, actor=cast[who])
    paragraph.refresh_from_db()
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        actions.do_dispatch_decision(paragraph, [("", "x", "epost")], actor=cast["secretary"])
    for address in ["info@", "@exploator.se", "info@exploator", "in fo@exploator.se"]:
        with pytest.raises(ValidationError, match="giltig adress"):  # Django's EmailValidator
            actions.do_dispatch_decision(
                paragraph, [("Exploatören AB", address, "epost")], actor=cast["secretary"]
            )
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.do_dispatch_decision(
            paragraph,
            [
                ("Exploatören AB", "info@exploator.se", "epost"),
                ("Lantmäteriet", "Box 1, 801 82 Gävle", "brev"),
            ],
            actor=cast["secretary"],
        )
    assert [e.method for e in sent] == ["epost", "brev"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["info@exploator.se"]
    assert mail.outbox[0].attachments[0][0] == f"protokollsutdrag-{paragraph.number}.pdf"
    # The subject, which mail servers log, names the case and §, not the title.
    case = paragraph.item.case
    assert case is not None
    assert mail.outbox[0].subject == f"Beslut, dnr {case.case_number} § {paragraph.number}"


def test_postponing_moves_the_case_to_a_later_meeting(cast: dict[str, Any]) -> None:
    minutes = held(cast)
    paragraph = minutes.paragraphs.get()
    with pytest.raises(ValidationError, match="senare sammanträde"):
        actions.do_record_decision(
            paragraph,
            decision="",
            outcome=Outcome.POSTPONED,
            later=cast["meeting"],
            actor=cast["secretary"],
        )
    actions.do_record_decision(
        paragraph,
        decision="",
        outcome=Outcome.POSTPONED,
        later=cast["later"],
        actor=cast["secretary"],
    )
    assert cast["later"].items.get().case == cast["case"]
    # Saved again with a note: the case is not put on the later agenda a second time.
    actions.do_record_decision(
        paragraph,
        decision="",
        outcome=Outcome.POSTPONED,
        note="Ordföranden föreslog bordläggning.",
        later=cast["later"],
        actor=cast["secretary"],
    )
    assert cast["later"].items.count() == 1


@pytest.mark.parametrize(
    ("approved", "appeal_ends"),
    [
        # Three weeks from Friday 4 December 2026 is juldagen; then a weekend.
        (datetime.datetime(2026, 12, 4, 10), datetime.date(2026, 12, 28)),
        # Three weeks from Friday 29 May 2026 is midsommarafton; then a weekend.
        (datetime.datetime(2026, 5, 29, 10), datetime.date(2026, 6, 22)),
        # An ordinary Wednesday: the same weekday three weeks on.
        (datetime.datetime(2026, 9, 9, 10), datetime.date(2026, 9, 30)),
    ],
)
def test_the_notice_board_dates_move_past_holidays(
    cast: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    approved: datetime.datetime,
    appeal_ends: datetime.date,
) -> None:
    moment = timezone.make_aware(approved)
    # Prepared a week before the approval, held the day before it.
    monkeypatch.setattr(timezone, "now", lambda: moment - datetime.timedelta(days=7))
    cast["meeting"] = make_meeting(cast["body"], days_ahead=6)
    minutes = held(cast)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for who in ["chair", "approver"]:
        actions.do_approve_minutes(minutes, verified=True, actor=cast[who])
    notice = Notice.objects.get(minutes=minutes)
    assert (notice.posted_on, notice.appeal_ends) == (approved.date(), appeal_ends)
    assert Notice.objects.up_on(appeal_ends).exists()
    assert not Notice.objects.up_on(appeal_ends + datetime.timedelta(days=1)).exists()


def test_approved_minutes_change_only_by_an_approved_correction(
    cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    minutes = held(cast)
    meeting_over(monkeypatch, cast["meeting"])
    paragraph = minutes.paragraphs.get()
    with pytest.raises(ValidationError, match="inte justerat"):
        actions.do_propose_correction(paragraph, "Ny text", "Skrivfel", actor=cast["secretary"])
    for who in ["chair", "approver"]:
        actions.do_approve_minutes(minutes, verified=True, actor=cast[who])
    minutes.refresh_from_db()
    first_seal = minutes.sealed
    with pytest.raises(ValidationError):
        actions.do_propose_correction(paragraph, paragraph.decision, "", actor=cast["secretary"])
    correction = actions.do_propose_correction(
        paragraph,
        "Nämnden antar detaljplanen för Vargödalen.",
        "Planens namn föll bort.",
        actor=cast["secretary"],
    )
    actions.do_approve_correction(correction, verified=True, actor=cast["chair"])
    with pytest.raises(ValidationError, match="redan justerat rättelsen"):
        actions.do_approve_correction(correction, verified=True, actor=cast["chair"])
    paragraph.refresh_from_db()
    assert paragraph.decision == "Nämnden antar detaljplanen."  # not yet: one approver left
    actions.do_approve_correction(correction, verified=True, actor=cast["approver"])
    paragraph.refresh_from_db()
    correction.refresh_from_db()
    minutes.refresh_from_db()
    assert paragraph.decision == "Nämnden antar detaljplanen för Vargödalen."
    assert minutes.sealed == first_seal and correction.sealed is not None
    assert correction.sealed != first_seal
    with correction.sealed.open() as sealed:
        assert verify_seal(sealed.read()).trusted
    assert cast["case"].documents.filter(description__endswith="(rättelse)").exists()
    notice = Notice.objects.get(minutes=minutes)
    from django.test import Client

    public = Client().get(f"/anslagstavla/{notice.pk}/").content.decode()
    assert "Planens namn föll bort." in public and "för Vargödalen" in public
    assert verify().broken_seq is None


def test_an_imported_approval_keeps_its_day_for_the_board_and_the_extract(
    cast: dict[str, Any],
) -> None:
    """The demo and imports give the approval and dispatch their own times; the notice,
    its appeal period and the extract follow the day of approval, not the day of import."""
    meeting = make_meeting(cast["body"], days_ahead=-40)
    actions.do_preregister_item(
        meeting,
        cast["case"],
        title="Detaljplan för Vargödalen",
        proposal="Nämnden antar detaljplanen.",
        at=meeting.starts_at - datetime.timedelta(days=30),
        actor=None,
    )
    actions.do_dispatch_meeting(
        meeting, at=meeting.starts_at - datetime.timedelta(days=10), actor=None
    )
    minutes = actions.do_open_minutes(meeting, approvers=[cast["approver"]], actor=None)
    for who in ["chair", "approver"]:
        actions.do_record_attendance(minutes, cast[who], "ledamot", actor=None)
    with pytest.raises(ValidationError, match="före sammanträdet"):
        actions.do_approve_minutes(
            minutes,
            verified=True,
            at=meeting.starts_at - datetime.timedelta(hours=1),
            actor=cast["chair"],
        )
    approved = meeting.starts_at + datetime.timedelta(days=4)
    for who in ["chair", "approver"]:
        actions.do_approve_minutes(minutes, verified=True, at=approved, actor=cast[who])
    minutes.refresh_from_db()
    assert minutes.locked_at == approved
    notice = Notice.objects.get(minutes=minutes)
    assert notice.posted_on == timezone.localdate(approved)
    assert notice.appeal_ends == legal_deadline(notice.posted_on, weeks=3)
    paragraph = minutes.paragraphs.get()
    assert paragraph.extract is not None
    assert paragraph.extract.document_date == timezone.localdate(approved)
    later = approved + datetime.timedelta(days=2)
    with pytest.raises(PermissionDenied, match="systemet"):
        actions.do_dispatch_decision(
            paragraph, [("Lantmäteriet", "Box 1", "brev")], at=later, actor=cast["secretary"]
        )
    with pytest.raises(ValidationError, match="justerat"):
        actions.do_dispatch_decision(
            paragraph,
            [("Lantmäteriet", "Box 1", "brev")],
            at=approved - datetime.timedelta(days=1),
            actor=None,
        )
    (sent,) = actions.do_dispatch_decision(
        paragraph, [("Lantmäteriet", "Box 1", "brev")], at=later, actor=None
    )
    assert sent.sent_at == later
