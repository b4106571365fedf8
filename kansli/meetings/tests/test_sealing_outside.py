"""Issue 13 part 11: the minutes and extract PDFs, and the notice and meeting pack, are
rendered outside the transaction that holds the audit chain, and stored inside one;
sealing that was cut short is finished by calling it again, and a notice whose agenda
changed while it was rendered is not sent."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, pdf
from kansli.meetings.actions.approval import seal_minutes
from kansli.meetings.models import AgendaItem, Meeting, Minutes
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition
from kansli.registry.models import Document
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in, sv

pytestmark = pytest.mark.django_db(transaction=True)


def _held(monkeypatch: pytest.MonkeyPatch) -> tuple[Minutes, Any, Any, Any]:
    body = make_body()
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR)
    approver = make_member(body)
    meeting = make_meeting(body)
    for title in ["Detaljplan", "Budget"]:
        case = make_case(title, authority=body.authority)
        actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[approver], actor=secretary)
    record_present(minutes, chair, approver)
    meeting_over(monkeypatch, meeting)
    return minutes, chair, approver, secretary


def test_the_pdfs_are_rendered_outside_any_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    minutes, chair, approver, _secretary = _held(monkeypatch)
    seen: list[bool] = []
    for name in ["minutes_pdf", "extract_pdf"]:
        real = getattr(pdf, name)

        def spy(*args: Any, _real: Any = real, **kwargs: Any) -> bytes:
            seen.append(transaction.get_connection().in_atomic_block)
            return _real(*args, **kwargs)

        monkeypatch.setattr(pdf, name, spy)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    assert seen == []  # not the last approval: nothing rendered
    # The last approval through the page, as the approver makes it.
    signed_in(approver).post(f"/moten/{minutes.meeting_id}/protokoll/justera/", {"confirm": "on"})
    assert len(seen) == 3  # the minutes and one extract per §
    assert not any(seen)
    minutes.refresh_from_db()
    assert minutes.sealed is not None
    assert all(p.extract_id for p in minutes.paragraphs.all())
    actions_done = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions_done.index("meetings.lock_minutes") < actions_done.index("meetings.seal_minutes")


def test_a_sealing_cut_short_is_finished_by_calling_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    minutes, chair, approver, secretary = _held(monkeypatch)
    real = pdf.extract_pdf

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("the renderer died")

    monkeypatch.setattr(pdf, "extract_pdf", broken)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    with pytest.raises(OSError):
        actions.do_approve_minutes(minutes, verified=True, actor=approver)
    minutes.refresh_from_db()
    # The approval, the lock and the sealed minutes stand; no extract was half-stored.
    assert minutes.locked_at is not None and minutes.sealed is not None
    assert not any(p.extract_id for p in minutes.paragraphs.all())
    assert not Document.objects.filter(document_type="Protokollsutdrag").exists()
    monkeypatch.setattr(pdf, "extract_pdf", real)
    page = signed_in(secretary).get(f"/moten/{minutes.meeting_id}/protokoll/")
    assert sv("The sealing of the minutes was cut short.") in page.content.decode()
    url = f"/moten/{minutes.meeting_id}/protokoll/forsegla/"
    signed_in(approver).post(url, {"confirm": "on"})  # not the secretary: refused
    assert not Minutes.objects.get(pk=minutes.pk).paragraphs.exclude(extract=None).exists()
    signed_in(secretary).post(url, {"confirm": "on"})
    seal_minutes(minutes)  # a second call finds them sealed
    minutes.refresh_from_db()
    assert minutes.sealed is not None
    assert all(p.extract_id for p in minutes.paragraphs.all())
    assert AuditEvent.objects.filter(action="meetings.seal_minutes").count() == 1


def _agenda(title: str = "Detaljplan") -> tuple[Any, Any]:
    body = make_body()
    secretary = make_secretary(body)
    meeting = make_meeting(body)
    case = make_case(title, authority=body.authority)
    actions.do_preregister_item(meeting, case, title=title, proposal="Antas.", actor=None)
    return meeting, secretary


def test_the_notice_and_pack_are_rendered_outside_any_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    meeting, secretary = _agenda()
    seen: list[bool] = []
    real = pdf.notice_pdf

    def spy(*args: Any, **kwargs: Any) -> bytes:
        seen.append(transaction.get_connection().in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "notice_pdf", spy)
    signed_in(secretary).post(f"/moten/{meeting.pk}/utskick/", {"confirm": "on"})
    assert seen == [False, False]  # the notice, and the notice inside the pack
    meeting.refresh_from_db()
    assert meeting.dispatched_at is not None and meeting.pack is not None


def test_an_agenda_changed_while_rendering_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    meeting, secretary = _agenda()
    real = pdf.notice_pdf

    def meanwhile(*args: Any, **kwargs: Any) -> bytes:
        AgendaItem.objects.filter(meeting=meeting).update(title="Detaljplan, ändrad rubrik")
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "notice_pdf", meanwhile)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="ändrades medan kallelsen gjordes"):
        actions.do_dispatch_meeting(meeting, actor=secretary)
    meeting.refresh_from_db()
    assert meeting.dispatched_at is None and meeting.notice is None
    assert AuditEvent.objects.count() == events
    monkeypatch.setattr(pdf, "notice_pdf", real)
    actions.do_dispatch_meeting(meeting, actor=secretary)  # sent again: as it now stands
    assert Meeting.objects.get(pk=meeting.pk).dispatched_at is not None
