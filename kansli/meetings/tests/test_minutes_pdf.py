"""The minutes PDF names the chair who presided as Ordförande, the approvers as
Justerare and the secretary as Sekreterare, in the attendance and under the signatures."""

import io
from typing import Any

import pypdf
import pytest
from django.utils import translation

from kansli.meetings import actions, pdf
from kansli.meetings.models import Attendance, Minutes
from kansli.meetings.testing import record_present
from kansli.meetings.tests.test_approval_rules import held
from kansli.org.models import Role
from kansli.org.testing import make_user

pytestmark = pytest.mark.django_db
__all__ = ["held"]  # the fixture, shared with the approval rules


def minutes_text(minutes: Minutes) -> str:
    with translation.override("en"):  # the secretary's screen in English: the PDF in Swedish
        data = pdf.minutes_pdf(Minutes.objects.get(pk=minutes.pk))
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_names_the_presiding_chair_the_approvers_and_the_secretary(
    held: dict[str, Any],
) -> None:
    """The vice chair presided for the absent chair; Anders approves; the secretary
    who opened the minutes signs them, unless the attendance records the body's
    secretary as an official."""
    minutes = held["minutes"]
    minutes.approvers.set([held["approver"]])
    record_present(minutes, held["vice"], held["approver"], held["away"])
    text = minutes_text(minutes)
    assert "Vera Al Ordförande" in text and "Vera Al Ledamot" not in text
    assert "Anders Berg Ledamot, justerare" in text
    assert "Bo Borta Ledamot" in text and "Bo Borta Ledamot, justerare" not in text
    assert "Carina Ek" not in text  # the chair was absent
    signing = text[text.index("Underskrifter") :]
    assert "Ordförande Vera Al" in signing and "Justerare Anders Berg" in signing
    assert "Sekreterare Sara Sekreterare" in signing
    # The body's secretary recorded as an official in the attendance is named instead.
    body = held["meeting"].body
    other = make_user(
        roles=[(Role.SECRETARY, body.authority)], first_name="Tove", last_name="Tjänst"
    )
    actions.do_record_attendance(minutes, other, Attendance.Capacity.OFFICIAL, actor=None)
    text = minutes_text(minutes)
    assert "Tove Tjänst Sekreterare" in text
    signing = text[text.index("Underskrifter") :]
    assert "Sekreterare Tove Tjänst" in signing and "Sara Sekreterare" not in signing
