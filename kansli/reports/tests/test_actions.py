"""The officer's report from draft to agenda: the checks before hand-in, the manager's
approval, the Word versions and the hand-in onto the meeting's agenda."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document as WordDocument
from pypdf import PdfReader

from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.meetings.models import AgendaItem
from kansli.registry import actions as registry
from kansli.registry.models import Direction, Document
from kansli.registry.testing import make_case, make_incoming
from kansli.reports import actions, render
from kansli.reports.docx import read_sections
from kansli.reports.models import Report, Status
from kansli.reports.testing import edited_in_word, make_desk, upload_of, write_report

pytestmark = pytest.mark.django_db


def test_hand_in_is_refused_without_a_proposed_decision_and_nothing_is_registered():
    desk = make_desk()
    report = write_report(desk, proposal="  ")
    with pytest.raises(ValidationError) as refused:
        actions.do_hand_in_report(report, actor=desk.officer)
    assert refused.value.message_dict["proposal"] == ["Skriv ett förslag till beslut."]
    assert not Document.objects.filter(case=desk.case).exists()
    assert not AgendaItem.objects.exists()


def test_hand_in_registers_the_report_and_puts_it_on_the_agenda():
    desk = make_desk()
    report = write_report(desk)
    report = actions.do_hand_in_report(report, actor=desk.officer)
    document = report.document
    assert document.direction == Direction.DRAWN_UP
    assert document.document_type == "Tjänsteskrivelse"
    assert sorted(f.name[-4:] for f in document.files.all()) == [".pdf", "docx"]
    item = AgendaItem.objects.get(meeting=desk.meeting)
    assert item.report == document and item.case == desk.case
    assert item.proposal == "Kommunstyrelsen beslutar att bifalla förslaget."
    assert not item.late
    assert report.status == Status.HANDED_IN and report.item == item
    assert AuditEvent.objects.filter(action="reports.hand_in").count() == 1
    with pytest.raises(ValidationError):
        actions.do_save_report(
            report,
            heading="Ny",
            sections={},
            appendices=[],
            meeting=desk.meeting,
            actor=desk.officer,
        )


def test_checks_name_the_officer_the_appendix_files_and_the_meeting():
    desk = make_desk()
    case = make_case(authority=desk.authority)  # no officer assigned yet
    report = actions.do_start_report(case, actor=desk.manager)
    empty = make_incoming(case)  # registered without a file
    report = actions.do_save_report(
        report,
        heading="Rubrik",
        sections={"proposal": "Bifall."},
        appendices=[empty],
        meeting=None,
        actor=desk.manager,
    )
    problems = actions.hand_in_problems(Report.objects.get(pk=report.pk))
    assert problems == {
        "officer": "Ärendet har ingen handläggare: en handläggare ska namnges.",
        "appendices": f"Bilagan saknar fil: {empty.document_number}.",
        "meeting": "Välj det sammanträde tjänsteskrivelsen ska till.",
    }
    registry.do_attach_file(
        empty, store_bytes(b"%PDF-1.4 bilaga", "bilaga.pdf"), "bilaga.pdf", actor=None
    )
    assert "appendices" not in actions.hand_in_problems(Report.objects.get(pk=report.pk))


def test_a_report_handed_in_after_the_item_deadline_is_a_late_item():
    desk = make_desk(days_ahead=5)  # the stoppdag was weeks ago
    assert timezone.localdate() > desk.meeting.item_deadline
    report = actions.do_hand_in_report(write_report(desk), actor=desk.officer)
    assert report.item.late


def test_the_manager_approves_and_a_change_after_needs_a_new_approval():
    desk = make_desk(approval=True)
    report = write_report(desk)
    with pytest.raises(ValidationError) as refused:
        actions.do_hand_in_report(report, actor=desk.officer)
    assert "approval" in refused.value.message_dict
    report = actions.do_ask_approval(report, actor=desk.officer)
    with pytest.raises(PermissionDenied):
        actions.do_approve_report(report, actor=desk.officer)  # an officer is no manager
    report = actions.do_approve_report(report, actor=desk.manager)
    assert report.status == Status.APPROVED and report.approved_by == desk.manager
    changed = actions.do_save_report(
        report,
        heading=report.heading,
        sections={"proposal": "Avslå förslaget."},
        appendices=[],
        meeting=desk.meeting,
        actor=desk.officer,
    )
    assert changed.status == Status.DRAFT and changed.approved_by is None
    assert "approval" in actions.hand_in_problems(changed)
    actions.do_ask_approval(changed, actor=desk.officer)
    approved = actions.do_approve_report(changed, actor=desk.manager)
    assert actions.do_hand_in_report(approved, actor=desk.officer).handed_in


def test_the_manager_returns_the_report_with_a_comment():
    desk = make_desk(approval=True)
    report = actions.do_ask_approval(write_report(desk), actor=desk.officer)
    with pytest.raises(ValidationError):
        actions.do_return_report(report, " ", actor=desk.manager)
    report = actions.do_return_report(report, "Lägg till kostnaden.", actor=desk.manager)
    assert report.status == Status.RETURNED and report.comment == "Lägg till kostnaden."
    assert actions.do_ask_approval(report, actor=desk.officer).status == Status.ASKED


def test_a_manager_of_another_authority_may_not_approve():
    desk, other = make_desk(approval=True), make_desk("BUN")
    report = actions.do_ask_approval(write_report(desk), actor=desk.officer)
    with pytest.raises(PermissionDenied):
        actions.do_approve_report(report, actor=other.manager)


def test_the_rule_is_set_by_a_system_administrator_and_audited():
    desk = make_desk()
    with pytest.raises(PermissionDenied):
        actions.do_set_report_rules(desk.authority, requires_approval=True, actor=desk.manager)
    actions.do_set_report_rules(desk.authority, requires_approval=True, actor=None)
    assert actions.requires_approval(desk.authority)
    event = AuditEvent.objects.get(action="reports.set_rules")
    assert event.after == {"requires_approval": True}


def test_a_word_round_trip_becomes_version_2_and_is_read_back():
    desk = make_desk()
    report = write_report(desk)
    downloaded = render.report_docx(report, desk.officer)
    edited = edited_in_word(downloaded, {"assessment": "Ändrad i Word.", "proposal": "Avslå."})
    version = actions.do_upload_version(report, upload_of(edited), actor=desk.officer)
    assert version.version == 2
    report = Report.objects.get(pk=report.pk)
    assert [v.version for v in report.versions.all()] == [1, 2]
    assert read_sections(report.versions.get(version=1).stored.open().read())["assessment"] == (
        "Förvaltningen tillstyrker."
    )
    assert report.assessment == "Ändrad i Word." and report.proposal == "Avslå."
    assert report.background == "Förslaget kom in i maj."
    assert report.heading == "Medborgarförslag om fler parkbänkar"  # the Heading 1, unchanged
    again = edited_in_word(render.report_docx(report, desk.officer), {"summary": "Tredje."})
    assert actions.do_upload_version(report, upload_of(again), actor=desk.officer).version == 3


def test_an_upload_without_the_headings_or_not_a_docx_is_refused_and_nothing_is_kept():
    desk = make_desk()
    report = write_report(desk)
    plain = WordDocument()
    plain.add_paragraph("Bara text")
    out = io.BytesIO()
    plain.save(out)
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_version(report, upload_of(out.getvalue()), actor=desk.officer)
    assert "Hittade inga avsnitt" in refused.value.message_dict["upload"][0]
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_version(report, upload_of(b"%PDF-1.4 x", "a.docx"), actor=desk.officer)
    assert list(refused.value.message_dict) == ["upload"]
    with pytest.raises(ValidationError) as refused:
        actions.do_upload_version(report, upload_of(b"%PDF-1.4 x", "a.pdf"), actor=desk.officer)
    assert refused.value.message_dict["upload"] == [actions.WORD_ONLY]
    assert not report.versions.exists()


def test_only_those_handling_the_case_write_its_report():
    desk, other = make_desk(), make_desk("BUN")
    with pytest.raises(PermissionDenied):
        actions.do_start_report(desk.case, actor=other.officer)
    report = write_report(desk)
    with pytest.raises(PermissionDenied):
        actions.do_hand_in_report(report, actor=other.officer)


def test_a_protected_party_is_masked_in_the_registered_pdf_and_docx():
    desk = make_desk()
    registry.do_add_party(desk.case, "Hemlig Person", protected_identity=True, actor=None)
    report = write_report(desk, background="Hemlig Person har ansökt.")
    report = actions.do_hand_in_report(report, actor=desk.officer)
    for file in report.document.files.all():
        data = file.stored.open().read()
        text = _text(data, file.name)
        assert "Hemlig Person" not in text and "Skyddad identitet" in text
    other_reader = make_desk("BUN").manager  # not of this authority: reads no draft
    assert not Report.objects.visible_to(other_reader).exists()
    own_manager = desk.manager  # a manager may read, not see the protected name
    assert "Hemlig Person" not in str(read_sections(render.report_docx(report, own_manager)))


def _text(data: bytes, name: str) -> str:
    if name.endswith(".pdf"):
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)


def test_the_meeting_must_be_of_the_cases_authority():
    desk, other = make_desk(), make_desk("BUN")
    report = actions.do_start_report(desk.case, actor=desk.officer)
    with pytest.raises(ValidationError) as refused:
        actions.do_save_report(
            report,
            heading="R",
            sections={},
            appendices=[],
            meeting=other.meeting,
            actor=desk.officer,
        )
    assert refused.value.message_dict["meeting"] == ["Välj ett sammanträde i KS."]


def test_lines_come_back_from_word_as_they_were_written():
    desk = make_desk()
    text = "Första raden,\nandra raden.\nTredje raden."
    report = write_report(desk, background=text)
    assert read_sections(render.report_docx(report, desk.officer))["background"] == text


def test_a_manager_who_wrote_in_the_report_may_not_approve_it():
    """The approval is a second pair of eyes: a manager who saved the text and asked for
    approval is refused, as the officer who started it would be."""
    desk = make_desk(approval=True)
    report = write_report(desk)
    sections = {"proposal": "Chefens eget förslag: avslå."}
    report = actions.do_save_report(
        report, heading=report.heading, sections=sections, appendices=[], meeting=desk.meeting,
        actor=desk.manager,
    )  # fmt: skip
    report = actions.do_ask_approval(report, actor=desk.manager)
    with pytest.raises(PermissionDenied):
        actions.do_approve_report(report, actor=desk.manager)
    assert Report.objects.get(pk=report.pk).status == Status.ASKED


def test_one_who_may_not_see_a_protected_name_may_not_save_over_it():
    """The manager reads the report with the protected name masked; saving that text
    back (through any surface: it is the action that refuses) would wipe the name."""
    desk = make_desk()
    registry.do_add_party(desk.case, "Hemlig Person", protected_identity=True, actor=None)
    report = write_report(desk, background="Hemlig Person ansöker.")
    with pytest.raises(PermissionDenied):
        actions.do_save_report(
            report, heading=report.heading, sections={"background": "Skyddad identitet ansöker."},
            appendices=[], meeting=desk.meeting, actor=desk.manager,
        )  # fmt: skip
    assert Report.objects.get(pk=report.pk).background == "Hemlig Person ansöker."


def test_hand_in_hides_a_protected_party_in_what_goes_on_to_the_agenda_and_registry():
    desk = make_desk()
    registry.do_add_party(
        desk.case, "Hemlig Person", protected_identity=True, address="Lönngatan 7",
        actor=None,
    )  # fmt: skip
    report = actions.do_start_report(desk.case, actor=desk.officer)
    report = actions.do_save_report(
        report, heading="Bidrag till Hemlig Person på Lönngatan 7",
        sections={"proposal": "Bidrag betalas ut till Hemlig Person, Lönngatan 7."},
        appendices=[], meeting=desk.meeting, actor=desk.officer,
    )  # fmt: skip
    report = actions.do_hand_in_report(report, actor=desk.officer)
    item = AgendaItem.objects.get(pk=report.item_id)
    shown = f"{item.title} {item.proposal} {report.document.description}"
    assert "Hemlig Person" not in shown and "Lönngatan 7" not in shown
    assert "Bidrag" in item.title and "Bidrag betalas ut" in item.proposal
