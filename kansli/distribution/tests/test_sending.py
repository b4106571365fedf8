"""The four uses of a sändlista (notice, decision, remiss, snabbnytt): each send is
recorded with a row per recipient and channel, the e-mails really go through Django's
mail backend (locmem), letters are listed for printing, and no secret document or
protected name goes out."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.distribution import actions
from kansli.distribution.models import Channel, Dispatch, Member, Recipient
from kansli.distribution.testing import make_list
from kansli.files.store import store_bytes
from kansli.meetings import actions as meetings
from kansli.meetings.models import Expedition, Outcome, Paragraph
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Direction, Document
from kansli.registry.testing import make_case, make_incoming, make_provision, make_registrar
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def statuses(dispatch: Dispatch) -> list[tuple[str, str, str, str]]:
    return [(r.name, r.address, r.channel, r.status) for r in dispatch.recipients.all()]


def test_a_notice_goes_to_a_list_with_each_recipient_and_channel(
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = make_body()
    secretary = make_secretary(body)
    dlist = make_list(body.authority, "KS ledamöter och ersättare")
    member = make_member(body, ElectedPosition.SUBSTITUTE, first_name="Per", last_name="Persson")
    actions.do_add_member(dlist, Member.Kind.USER, Channel.PORTAL, user=member, actor=secretary)
    meeting = make_meeting(body)
    case = make_case("Hemlig personalfråga", authority=body.authority)
    meetings.do_preregister_item(meeting, case, title="Hemlig personalfråga", actor=None)
    with pytest.raises(ValidationError, match="Skicka först kallelsen"):
        actions.do_send_notice(meeting, dlist, actor=secretary)
    meetings.do_dispatch_meeting(meeting, actor=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_notice(meeting, dlist, actor=secretary)
    assert dispatch.list_name == "KS ledamöter och ersättare" and dispatch.sent_by == secretary
    assert statuses(dispatch) == [
        ("Registrator, Länsstyrelsen i Stockholms län", "stockholm@lansstyrelsen.se", "epost",
         Recipient.Status.SENT),
        ("Naturskyddsföreningen", "Box 4625\n116 91 Stockholm", "brev", Recipient.Status.TO_PRINT),
        ("Per Persson", "", "portal", Recipient.Status.IN_PORTAL),
    ]  # fmt: skip
    (sent,) = mail.outbox
    assert sent.to == ["stockholm@lansstyrelsen.se"] and sent.subject.startswith("Kallelse: ")
    assert "Sessionssalen" in sent.body and "Hemlig personalfråga" not in sent.body
    with pytest.raises(PermissionDenied):
        actions.do_send_notice(meeting, dlist, actor=make_registrar(body.authority))


def test_a_failed_email_is_marked_failed_and_the_send_stays(
    django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    body = make_body()
    dlist = make_list(body.authority)
    meeting = make_meeting(body)
    meetings.do_preregister_item(
        meeting, make_case(authority=body.authority), title="Parkbänkar", actor=None
    )
    meetings.do_dispatch_meeting(meeting, actor=None)

    def refuse(*_args: Any, **_kwargs: Any) -> int:
        raise OSError("the mail server is down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_notice(meeting, dlist, actor=None)
    assert [r.status for r in dispatch.recipients.all()] == [
        Recipient.Status.FAILED, Recipient.Status.TO_PRINT]  # fmt: skip


def approved_paragraph(body: Any) -> Paragraph:
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = meetings.do_schedule_meeting(body, starts, "Sessionssalen", actor=None)
    case = make_case("Bygglov för Storåsen 1:4", authority=body.authority)
    registry.do_add_party(case, "Stina Skyddad", protected_identity=True, actor=None)
    meetings.do_preregister_item(
        meeting, case, title="Bygglov Storåsen", at=starts - datetime.timedelta(days=20),
        actor=None,
    )  # fmt: skip
    minutes = meetings.do_open_minutes(meeting, approvers=[], actor=None)
    meetings.do_record_attendance(minutes, chair, "ledamot", actor=None)
    paragraph = minutes.paragraphs.get()
    meetings.do_record_decision(
        paragraph, decision="Bygglov beviljas.", outcome=Outcome.DECIDED, actor=None
    )
    meetings.do_close_meeting(meeting, starts + datetime.timedelta(hours=2), actor=None)
    meetings.do_approve_minutes(
        minutes, verified=True, at=starts + datetime.timedelta(hours=3), actor=chair
    )
    return Paragraph.objects.get(pk=paragraph.pk)


def test_a_decision_goes_to_a_list_and_a_protected_party_only_through_skatteverket(
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = make_body()
    secretary = make_secretary(body)
    paragraph = approved_paragraph(body)
    dlist = make_list(body.authority, "Berörda grannar")
    actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.LETTER, name="Stina Skyddad",
        postal_address="Hemlig väg 1", actor=None,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_decision(paragraph, dlist, actor=secretary)
    rows = statuses(dispatch)
    # The party taken by reference comes first, as in the decision's own record.
    assert rows[1][3] == Recipient.Status.SENT and rows[2][3] == Recipient.Status.TO_PRINT
    party = paragraph.item.case.parties.get()  # type: ignore[union-attr]
    assert rows[0] == (f"Skyddad identitet, ref. P{party.pk}", "Via Skatteverket för "
                       "vidarebefordran", "brev", Recipient.Status.TO_PRINT)  # fmt: skip
    expeditions = Expedition.objects.filter(paragraph=paragraph)
    assert expeditions.count() == 3 and expeditions.filter(protected_identity=True).count() == 1
    (sent,) = mail.outbox
    assert sent.attachments and "Stina" not in sent.body
    assert not Recipient.objects.filter(name__contains="Stina").exists()
    assert "Hemlig väg" not in str(list(Recipient.objects.values_list("address", flat=True)))


@pytest.mark.parametrize(
    "name", ["Stina Skyddad", "stina  SKYDDAD", "Skyddad, Stina", "Stina Maria Skyddad"]
)
def test_a_protected_party_on_a_list_is_never_emailed(
    name: str, django_capture_on_commit_callbacks: Any
) -> None:
    """However the list writes the party's name (spacing, case, order, a middle name)."""
    body = make_body()
    paragraph = approved_paragraph(body)
    dlist = make_list(body.authority)
    actions.do_add_member(
        dlist, Member.Kind.EXTERNAL, Channel.EMAIL, name=name, email="stina@example.se",
        actor=None,
    )  # fmt: skip
    refused = pytest.raises(ValidationError, match="Skatteverket")
    with django_capture_on_commit_callbacks(execute=True), refused:
        actions.do_send_decision(paragraph, dlist, actor=None)
    assert not mail.outbox and not Dispatch.objects.exists() and not Expedition.objects.exists()


def document_with_file(case: Any, **kwargs: Any) -> Document:
    document = make_incoming(case, description="Planbeskrivning Vargödalen", **kwargs)
    registry.do_attach_file(
        document, store_bytes(b"Planbeskrivning", "plan.txt"), "plan.txt", actor=None
    )
    return document


def test_a_referral_registers_the_outgoing_document_and_lists_the_answers_due(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks = make_authority()
    registrar = make_registrar(ks)
    case = make_case("Detaljplan Vargödalen", authority=ks)
    document = document_with_file(case)
    dlist = make_list(ks)
    reply_by = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_referral(document, dlist, reply_by, actor=registrar)
    outgoing = dispatch.outgoing
    assert outgoing is not None and outgoing.direction == Direction.OUTGOING
    assert outgoing.case == case and outgoing.document_type == "Remiss"
    assert f"svar senast {reply_by:%Y-%m-%d}" in outgoing.description
    assert dispatch.reply_by == reply_by
    (sent,) = mail.outbox
    assert sent.subject == f"Remiss, dnr {case.case_number}"
    assert [a[0] for a in sent.attachments] == ["plan.txt"]
    # The answer comes in and is noted on its row.
    answer = make_incoming(case, description="Yttrande", counterpart="Länsstyrelsen")
    first = dispatch.recipients.first()
    assert first is not None
    actions.do_record_answer(first, answer, actor=registrar)
    assert dispatch.recipients.filter(answer__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        actions.do_record_answer(first, outgoing, actor=registrar)


def test_a_secret_document_is_never_sent_on_referral(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks = make_authority()
    case = make_case("Personalärende", authority=ks)
    document = document_with_file(case, secrecy=make_provision())
    dlist = make_list(ks)
    before = Document.objects.count()
    refused = pytest.raises(ValidationError, match="sekretessmarkerad")
    with django_capture_on_commit_callbacks(execute=True), refused:
        actions.do_send_referral(
            document, dlist, timezone.localdate() + datetime.timedelta(days=9), actor=None
        )
    assert not mail.outbox and Document.objects.count() == before
    assert not Dispatch.objects.exists()


def test_a_referral_does_not_name_a_protected_party(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ks = make_authority()
    case = make_case("Bygglov", authority=ks)
    registry.do_add_party(case, "Stina Skyddad", protected_identity=True, actor=None)
    document = make_incoming(case, description="Ansökan från Stina Skyddad")
    registry.do_attach_file(document, store_bytes(b"Ansokan", "a.txt"), "a.txt", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_referral(
            document, make_list(ks), timezone.localdate() + datetime.timedelta(days=9), actor=None
        )
    (sent,) = mail.outbox
    assert "Stina" not in sent.body and "Stina" not in sent.subject
    assert dispatch.outgoing is not None and "Stina" not in dispatch.outgoing.description


def test_a_snabbnytt_goes_to_a_list_of_staff(django_capture_on_commit_callbacks: Any) -> None:
    body = make_body()
    secretary = make_secretary(body)
    meeting = make_meeting(body, days_ahead=-1)
    item = meetings.do_publish_news(
        body, "Snabbnytt från KS", "KS antog budgeten.", meeting=meeting, actor=secretary
    )
    dlist = actions.do_create_list(body.authority.municipality, "Alla handläggare", actor=None)
    officer = make_user(roles=[(Role.OFFICER, body.authority)], email="hanna@kommun.se")
    actions.do_add_member(dlist, Member.Kind.USER, Channel.EMAIL, user=officer, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = actions.do_send_news(item, dlist, actor=secretary)
    (sent,) = mail.outbox
    assert sent.to == ["hanna@kommun.se"] and "KS antog budgeten." in sent.body
    assert dispatch.recipients.get().status == Recipient.Status.SENT
    actions.do_close_list(dlist, actor=None)
    with pytest.raises(ValidationError, match="stängd"):
        actions.do_send_news(item, dlist, actor=secretary)


def test_the_notice_may_go_to_a_list_instead_of_the_members(
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = make_body()
    secretary = make_secretary(body)
    make_member(body, email="ledamot@example.se")
    meeting = make_meeting(body)
    meetings.do_preregister_item(
        meeting, make_case(authority=body.authority), title="Parkbänkar", actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(secretary).post(f"/moten/{meeting.pk}/utskick/", {"list_only": "1"})
    assert answer.status_code == 302
    meeting.refresh_from_db()
    assert meeting.dispatched_at is not None and not mail.outbox
    dlist = make_list(body.authority)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_notice(meeting, dlist, actor=secretary)
    assert [m.to for m in mail.outbox] == [["stockholm@lansstyrelsen.se"]]
