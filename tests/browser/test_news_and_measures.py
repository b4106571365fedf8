"""Snabbnytt and the measures in the browser: the secretary writes the snabbnytt from the
held meeting's page, an officer finds it under Snabbnytt in the menu and reads it, and
the measures page counts the reading (measure 8) and draws each measure's trend as an
SVG chart named with its figures. Every page passes axe (WCAG 2.1 AA)."""

import datetime

import pytest
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.testing import make_body, make_meeting, make_member, record_present
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_snabbnytt_is_written_read_and_measured(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    ks = make_authority("KS", "Kommunstyrelsen")
    body = make_body(ks)
    names = {"password": "kansli-demo"}
    make_user("sekreterare", first_name="Karin", roles=[(Role.SECRETARY, ks)], **names)
    make_user("handlaggare", first_name="Johan", roles=[(Role.OFFICER, ks)], **names)
    chair = make_member(body, ElectedPosition.CHAIR)
    meeting = make_meeting(body, days_ahead=-7)
    start = timezone.now() - datetime.timedelta(days=30)
    actions.do_preregister_item(
        meeting, make_case("Parkbänkar"), title="Parkbänkar", at=start, actor=None
    )
    actions.do_dispatch_meeting(meeting, at=start + datetime.timedelta(days=14), actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    record_present(minutes, chair)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)

    context = browser.new_context(locale="sv-SE")
    secretary = context.new_page()
    log_in(secretary, url, "sekreterare")
    secretary.goto(f"{url}/moten/{meeting.pk}/")
    secretary.get_by_role("link", name=sv("Write a snabbnytt")).click()
    secretary.get_by_label(sv("What was decided")).fill("KS beslutade om fler parkbänkar.")
    assert axe_violations(secretary) == []
    secretary.get_by_role("button", name=sv("Publish")).click()
    secretary.wait_for_load_state()
    assert secretary.url == f"{url}/snabbnytt/"
    assert axe_violations(secretary) == []

    reader_context = browser.new_context(locale="sv-SE")
    officer = reader_context.new_page()
    log_in(officer, url, "handlaggare")
    officer.get_by_role("navigation").get_by_role("link", name=sv("Snabbnytt")).click()
    officer.get_by_role("link", name=f"Snabbnytt från {meeting}").click()
    assert "KS beslutade om fler parkbänkar." in officer.locator("main").inner_text()
    assert axe_violations(officer) == []
    reader_context.close()

    secretary.goto(f"{url}/moten/organ/{body.pk}/matt/")
    term = sv("Snabbnytt read within %(goal)s working days") % {"goal": 3}
    figure = secretary.locator("dl.facts dt", has_text=term).locator("xpath=following-sibling::dd")
    assert figure.inner_text().startswith("1 / 2 (50,0 %")  # the officer of the two staff
    chart = secretary.get_by_role("img", name=f"{term}, {sv('per cent')}")
    assert chart.get_attribute("aria-label").endswith(" 50,0")
    assert secretary.get_by_role("img").count() == 8
    assert axe_violations(secretary) == []
    context.close()
