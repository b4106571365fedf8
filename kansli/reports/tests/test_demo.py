"""The demo has KS requiring the manager's approval and a draft for KS's next meeting
waiting for the manager (a second one, without its proposed decision, at a scale with
more open cases)."""

import pytest
from django.core.management import call_command

from kansli.org.models import Authority
from kansli.reports.actions import hand_in_problems, requires_approval
from kansli.reports.models import Report, Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_for_the_next_ks_meeting() -> None:
    call_command("demo", "--no-serve", "--scale", "0.02")
    assert requires_approval(Authority.objects.get(code="KS"))
    reports = Report.objects.order_by("pk")
    assert reports[0].status == Status.ASKED and all(r.meeting for r in reports)
    assert {r.meeting.body.authority.code for r in reports if r.meeting} == {"KS"}
    assert set(hand_in_problems(reports[0])) == {"approval"}
