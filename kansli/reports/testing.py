"""Test helpers for officer's reports, made through the real actions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kansli.meetings.models import Meeting
from kansli.meetings.testing import make_body, make_meeting
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions as registry
from kansli.registry.models import Case
from kansli.registry.testing import make_case
from kansli.reports import actions
from kansli.reports.docx import HEADINGS
from kansli.reports.models import Report

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Desk:
    """An authority with a meeting ahead, a case, its officer and a manager."""

    authority: Authority
    meeting: Meeting
    case: Case
    officer: User
    manager: User


def make_desk(code: str = "KS", *, approval: bool = False, days_ahead: int = 40) -> Desk:
    authority = make_authority(code, f"Nämnden {code}") if code != "KS" else make_authority()
    meeting = make_meeting(make_body(authority), days_ahead=days_ahead)
    officer = make_user(
        roles=[(Role.OFFICER, authority)], first_name="Olle", last_name="Handläggare"
    )
    manager = make_user(roles=[(Role.MANAGER, authority)], first_name="Maja", last_name="Chef")
    case = make_case(authority=authority)
    registry.do_assign_officer(case, officer, actor=None)
    if approval:
        actions.do_set_report_rules(authority, requires_approval=True, actor=None)
    return Desk(authority, meeting, case, officer, manager)


def write_report(desk: Desk, *, proposal: str = "Kommunstyrelsen beslutar att bifalla förslaget.",
                 **sections: str) -> Report:  # fmt: skip
    report = actions.do_start_report(desk.case, actor=desk.officer)
    texts = {"summary": "Kort om ärendet.", "background": "Förslaget kom in i maj.",
             "assessment": "Förvaltningen tillstyrker.", "consequences": "Inga kostnader.",
             "proposal": proposal} | sections  # fmt: skip
    return actions.do_save_report(
        report, heading=report.heading, sections=texts, appendices=[], meeting=desk.meeting,
        actor=desk.officer,
    )  # fmt: skip


def edited_in_word(data: bytes, changes: dict[str, str]) -> bytes:
    """The DOCX as Word would save it after an officer replaced the text under the given
    sections' headings (python-docx)."""
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(data))
    paragraphs = word.paragraphs
    for key, text in changes.items():
        for index, paragraph in enumerate(paragraphs):
            style = paragraph.style.name if paragraph.style is not None else ""
            if paragraph.text == HEADINGS[key] and style == "Heading 2":
                paragraphs[index + 1].text = text
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def upload_of(data: bytes, name: str = "tjansteskrivelse.docx") -> Any:
    return SimpleUploadedFile(name, data, content_type=DOCX_MIME)
