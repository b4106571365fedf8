"""Förhinder in the member portal on a phone (390 px wide): the member reports that
they cannot attend, sees the substitute called and the day in Swedish, and withdraws
it; nothing is wider than the screen and axe finds nothing."""

import datetime

import pytest
from django.core import mail
from django.utils import dateformat, timezone, translation

from kansli.meetings import actions
from kansli.meetings.models import Absence
from kansli.meetings.testing import make_body, make_member
from kansli.org.models import ElectedPosition
from kansli.org.testing import make_authority
from tests.browser.conftest import axe_violations, log_in, sv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
WIDE = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_a_member_reports_and_withdraws_absence_on_a_phone(  # type: ignore[no-untyped-def]
    live_server, browser, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = live_server.url
    body = make_body(make_authority("KS", "Kommunstyrelsen"))
    make_member(
        body,
        username="ledamot",
        first_name="Fatima",
        last_name="Hedlund-Österberg",
        password="kansli-demo",
    )
    make_member(
        body,
        ElectedPosition.SUBSTITUTE,
        first_name="Sven-Erik",
        last_name="Ersättaresson Långnamn",
        email="sven@example.se",
    )
    starts = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)
    meeting = actions.do_schedule_meeting(
        body, starts + datetime.timedelta(days=12), "Sessionssalen", actor=None
    )
    context = browser.new_context(locale="sv-SE", **PHONE)
    page = context.new_page()
    log_in(page, url, "ledamot")
    page.goto(f"{url}/moten/portal/")
    assert page.evaluate(WIDE)
    page.get_by_role("button", name=sv("Report that I cannot attend")).click()
    page.wait_for_url(f"{url}/moten/portal/")
    assert "Sven-Erik Ersättaresson Långnamn" in page.get_by_role("status").inner_text()
    absence = Absence.objects.get(meeting=meeting)
    assert absence.substitute is not None and [m.to[0] for m in mail.outbox] == ["sven@example.se"]
    with translation.override("sv"):  # the day in Swedish, in Swedish local time
        shown = dateformat.format(timezone.localtime(absence.reported_at), "j F Y H.i")
    assert shown in page.locator("main").inner_text()
    assert page.evaluate(WIDE)
    assert axe_violations(page) == []
    page.get_by_role("button", name=sv("I can attend after all")).click()
    page.wait_for_url(f"{url}/moten/portal/")
    assert not Absence.objects.exists()
    assert page.get_by_role("button", name=sv("Report that I cannot attend")).is_visible()
    assert page.evaluate(WIDE)
    context.close()
