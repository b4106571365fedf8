"""E-justering (issue 13 part 6): the secretary releases the draft, marked "Ej justerat";
the chair and the approvers are e-mailed a link (no title, no PDF), read the draft with
its non-public part and their own conflicts, comment per §; the secretary answers and is
told when the draft has changed; reminders once a day to those who have not approved;
then approval as before. Nobody else reads or comments."""

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.files.models import StoredFile
from kansli.meetings import actions, pdf
from kansli.meetings.actions import eapproval
from kansli.meetings.models import ApprovalComment, Minutes
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
from kansli.registry.testing import make_case, make_provision
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Bistånd till Anna Svensson"
HEADING = "Ärende enligt socialtjänstlagen"


def text(stored: StoredFile | None) -> str:
    assert stored is not None
    with stored.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A held meeting with a public and a non-public item; the chair and the approver
    present; the draft not yet released."""
    body = make_body()
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina", email="c@x.se")
    approver = make_member(body, first_name="Anders", last_name="Berg", email="a@x.se")
    member = make_member(body, first_name="Maja", email="m@x.se")
    meeting = make_meeting(body)
    plan = make_case("Detaljplan för Vargödalen", authority=body.authority)
    actions.do_preregister_item(meeting, plan, title="Detaljplan", proposal="Antas.", actor=None)
    case = make_case("Ansökan om bistånd", authority=body.authority)
    item = actions.do_preregister_item(
        meeting, case, title=SECRET_TITLE, proposal="Beviljas.", actor=None
    )
    actions.do_set_item_secrecy(
        item, make_provision("OSL 26 kap. 1 §"), public_title=HEADING, actor=secretary
    )
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(
        meeting,
        approvers=[approver],
        approval_due=meeting.day + datetime.timedelta(days=7),
        actor=secretary,
    )
    record_present(minutes, chair, approver, member)
    meeting_over(monkeypatch, meeting)
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    return {
        "body": body,
        "meeting": meeting,
        "minutes": minutes,
        "secretary": secretary,
        "chair": chair,
        "approver": approver,
        "member": member,
        "outsider": make_user("bun-sekr", roles=[(Role.SECRETARY, other)]),
        "paragraphs": list(minutes.paragraphs.order_by("number")),
    }


def release(held: dict[str, Any], django_capture_on_commit_callbacks: Any) -> Minutes:
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_release_draft(held["minutes"], actor=held["secretary"])
    return Minutes.objects.get(pk=held["minutes"].pk)


def draft_url(held: dict[str, Any]) -> str:
    return f"/moten/{held['meeting'].pk}/protokoll/utkast/"


def test_release_mails_each_approver_a_link_and_stores_a_draft_marked_ej_justerat(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    minutes = release(held, django_capture_on_commit_callbacks)
    assert minutes.released_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.se", "c@x.se"]  # not the member
    for message in mail.outbox:
        assert "http://" in message.body and draft_url(held) in message.body
        assert not message.attachments
        assert SECRET_TITLE not in f"{message.subject} {message.body}"
        assert "Protokoll att justera" in message.subject
    draft = text(minutes.draft)
    assert minutes.draft is not None
    with minutes.draft.open() as handle:
        pages = len(pypdf.PdfReader(io.BytesIO(handle.read())).pages)
    assert draft.count("Ej justerat") == pages  # on every page
    assert SECRET_TITLE in draft and "sekretessbilaga" in draft  # the non-public part too
    events = AuditEvent.objects.filter(action="meetings.release_draft")
    assert events.count() == 1 and events.get().actor == held["secretary"]


def test_only_the_secretary_releases_and_only_minutes_not_approved(
    held: dict[str, Any],
) -> None:
    events = AuditEvent.objects.count()
    for who in [held["approver"], held["member"], held["outsider"]]:
        with pytest.raises(PermissionDenied):
            actions.do_release_draft(held["minutes"], actor=who)
    page = signed_in(held["outsider"]).post(draft_url(held) + "skicka/")
    assert page.status_code == 404
    assert Minutes.objects.get(pk=held["minutes"].pk).released_at is None
    assert AuditEvent.objects.count() == events and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_the_draft_is_rendered_outside_the_transaction(
    held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = pdf.minutes_pdf

    def spy(*args: Any, **kwargs: Any) -> bytes:
        seen.append(transaction.get_connection().in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "minutes_pdf", spy)
    page = signed_in(held["secretary"]).post(draft_url(held) + "skicka/", {})
    assert page.status_code == 302
    assert seen == [False, False]  # the public and the non-public part
    assert Minutes.objects.get(pk=held["minutes"].pk).draft is not None
    sent = [m.to[0] for m in mail.outbox if m.subject.startswith("Protokoll att justera")]
    assert sorted(sent) == ["a@x.se", "c@x.se"]  # after the commit (the notice's too)


def test_approver_reads_the_draft_with_own_conflicts_others_get_404(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, _secret = held["paragraphs"]
    actions.do_record_conflict(first, held["approver"], actor=held["secretary"])
    for who in [held["approver"], held["chair"]]:  # not before the release
        assert signed_in(who).get(draft_url(held)).status_code == 404
    release(held, django_capture_on_commit_callbacks)
    page = signed_in(held["approver"]).get(draft_url(held)).content.decode()
    assert (
        sv("You have reported a conflict of interest in § %(number)s.", number=first.number) in page
    )
    assert SECRET_TITLE in page  # an approver reads the non-public item
    chair = signed_in(held["chair"]).get(draft_url(held)).content.decode()
    assert "jäv" not in chair  # the approver's conflict is not the chair's
    pdf_answer = signed_in(held["approver"]).get(draft_url(held).rstrip("/") + ".pdf")
    assert pdf_answer.status_code == 200 and pdf_answer["Content-Type"] == "application/pdf"
    for who in [held["member"], held["outsider"]]:
        browser = signed_in(who)
        assert browser.get(draft_url(held)).status_code == 404
        assert browser.get(draft_url(held).rstrip("/") + ".pdf").status_code == 404
    public = Client().get(draft_url(held))
    assert public.status_code == 302 and "/login/" in public["Location"]
    assert Client().get(draft_url(held).rstrip("/") + ".pdf").status_code == 302


def test_comment_answer_and_the_approver_sees_the_answer(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    release(held, django_capture_on_commit_callbacks)
    first = held["paragraphs"][0]
    approver = signed_in(held["approver"])
    answer = approver.post(
        draft_url(held) + "kommentera/", {"paragraph": first.pk, "text": "Stavfel i beslutet."}
    )
    assert answer.status_code == 302
    comment = ApprovalComment.objects.get()
    assert comment.paragraph == first and comment.author == held["approver"]
    minutes_page = signed_in(held["secretary"]).get(f"/moten/{held['meeting'].pk}/protokoll/")
    assert "Stavfel i beslutet." in minutes_page.content.decode()
    done = signed_in(held["secretary"]).post(
        f"/moten/kommentar/{comment.pk}/svar/", {"answer": "Rättat, nytt utkast kommer."}
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.answered_by == held["secretary"]
    page = approver.get(draft_url(held)).content.decode()
    assert "Rättat, nytt utkast kommer." in page
    # A comment on the whole minutes.
    approver.post(draft_url(held) + "kommentera/", {"text": "Bra protokoll."})
    assert ApprovalComment.objects.filter(paragraph=None).count() == 1


def test_bad_comments_are_refused_with_a_message_and_save_nothing(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    release(held, django_capture_on_commit_callbacks)
    elsewhere = make_meeting(held["body"], days_ahead=60)
    plan = make_case("Annat ärende", authority=held["body"].authority)
    actions.do_preregister_item(elsewhere, plan, title="Annat", actor=None)
    other_minutes = actions.do_open_minutes(elsewhere, approvers=[], actor=held["secretary"])
    foreign = other_minutes.paragraphs.get()
    approver = signed_in(held["approver"])
    url = draft_url(held) + "kommentera/"
    for posted, message in [
        ({"text": "   "}, "Skriv en kommentar."),
        ({"text": "x" * 5000}, "4000"),
        ({"text": "Hej", "paragraph": foreign.pk}, sv("The paragraph is not in the minutes.")),
        ({"text": "Hej", "paragraph": "abc"}, ""),
        ({"text": "Hej", "paragraph": "9" * 30}, ""),
    ]:
        page = approver.post(url, posted)
        assert page.status_code == 200
        assert message in page.content.decode()
    assert approver.post(url, {"text": "Hej\x00"}).status_code == 400  # kansli.web.limits
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):  # the secretary reads but does not comment
        actions.do_comment_draft(held["minutes"], "Hej", actor=held["secretary"])
    assert signed_in(held["member"]).post(url, {"text": "Hej"}).status_code == 404
    assert signed_in(held["outsider"]).post(url, {"text": "Hej"}).status_code == 404
    assert not ApprovalComment.objects.exists() and AuditEvent.objects.count() == events
    comment = actions.do_comment_draft(held["minutes"], "Fråga", actor=held["chair"])
    for who in [held["outsider"], held["approver"]]:  # only the body's secretary answers
        signed_in(who).post(f"/moten/kommentar/{comment.pk}/svar/", {"answer": "Svar"})
    comment.refresh_from_db()
    assert comment.answer == ""
    page = signed_in(held["secretary"]).post(f"/moten/kommentar/{comment.pk}/svar/", {"answer": ""})
    assert page.status_code == 200
    assert signed_in(held["outsider"]).post("/moten/kommentar/999999/svar/").status_code == 404


def test_no_comment_before_release_nor_after_approval(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError, match="inte utskickat"):
        actions.do_comment_draft(held["minutes"], "Hej", actor=held["approver"])
    release(held, django_capture_on_commit_callbacks)
    for who in [held["chair"], held["approver"]]:
        actions.do_approve_minutes(held["minutes"], verified=True, actor=who)
    with pytest.raises(ValidationError, match="kan inte längre kommenteras"):
        actions.do_comment_draft(held["minutes"], "Hej", actor=held["approver"])
    assert not ApprovalComment.objects.exists()
    page = signed_in(held["approver"]).get(draft_url(held)).content.decode()
    assert 'name="text"' not in page


def test_a_change_after_release_is_shown_until_released_again(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    release(held, django_capture_on_commit_callbacks)
    changed = sv(
        "The secretary has changed the minutes since this draft was released. A new draft "
        "will be released; you are told by e-mail."
    )
    actions.do_comment_draft(held["minutes"], "Stavfel", actor=held["approver"])
    assert changed not in signed_in(held["approver"]).get(draft_url(held)).content.decode()
    actions.do_record_decision(held["paragraphs"][0], decision="Antas med ändring.", actor=None)
    assert changed in signed_in(held["approver"]).get(draft_url(held)).content.decode()
    mail.outbox.clear()
    minutes = release(held, django_capture_on_commit_callbacks)
    assert "Antas med ändring." in text(minutes.draft)
    assert len(mail.outbox) == 2
    assert all("Nytt utkast" in m.subject for m in mail.outbox)
    assert changed not in signed_in(held["approver"]).get(draft_url(held)).content.decode()


def test_daily_reminder_once_a_day_and_not_to_those_who_approved(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    release(held, django_capture_on_commit_callbacks)
    actions.do_approve_minutes(held["minutes"], verified=True, actor=held["chair"])
    due = held["minutes"].approval_due
    mail.outbox.clear()

    def on(day: datetime.date) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remind", stdout=io.StringIO())

    on(due - datetime.timedelta(days=3))  # not due yet
    assert not mail.outbox
    on(due - datetime.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [["a@x.se"]]  # the chair has approved
    assert "Påminnelse" in mail.outbox[0].subject
    assert SECRET_TITLE not in f"{mail.outbox[0].subject} {mail.outbox[0].body}"
    on(due - datetime.timedelta(days=1))  # the same day again
    assert len(mail.outbox) == 1
    on(due + datetime.timedelta(days=2))  # passed: reminded again, a day later
    assert len(mail.outbox) == 2
    actions.do_approve_minutes(held["minutes"], verified=True, actor=held["approver"])
    on(due + datetime.timedelta(days=3))  # approved: no more
    assert len(mail.outbox) == 2


def test_the_secretary_reminds_by_button_at_most_once_a_day(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    url = draft_url(held) + "paminn/"
    secretary = signed_in(held["secretary"])
    page = secretary.post(url)  # not released
    assert page.status_code == 200 and not mail.outbox
    release(held, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert secretary.post(url).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.se", "c@x.se"]
    with django_capture_on_commit_callbacks(execute=True):
        page = secretary.post(url)
    assert "redan skickats i dag" in page.content.decode() and len(mail.outbox) == 2
    with pytest.raises(PermissionDenied):
        eapproval.do_remind_approvers(held["minutes"], actor=held["approver"])
    assert signed_in(held["outsider"]).post(url).status_code == 404


def test_approval_after_release_seals_minutes_without_the_draft_mark(
    held: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    release(held, django_capture_on_commit_callbacks)
    portal = signed_in(held["approver"]).get("/moten/portal/").content.decode()
    assert draft_url(held) in portal
    assert draft_url(held) not in signed_in(held["member"]).get("/moten/portal/").content.decode()
    for who in [held["chair"], held["approver"]]:
        actions.do_approve_minutes(held["minutes"], verified=True, actor=who)
    minutes = Minutes.objects.get(pk=held["minutes"].pk)
    assert minutes.locked_at is not None
    assert "Ej justerat" not in text(minutes.sealed)
    assert "Ej justerat" not in text(minutes.sealed_secret)
    assert draft_url(held) not in signed_in(held["approver"]).get("/moten/portal/").content.decode()
