"""An appeal received (överklagande inkommet): the decision does not gain legal force
until it is decided; the § page says so, and once the appeal period is over without
one, that the decision has gained legal force.

The dates, worked out by hand (test_appeal.py's table): minutes approved and the notice
posted on Tue 3 November 2026, appeal period to Tue 24 November, legal force Wed 25
November. An appeal that comes in later than 24 November is late (the court will
dismiss it; Kansli only notes it). The other cases count from today."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.meetings import actions, appeal
from kansli.meetings.models import AppealRoute, Paragraph
from kansli.meetings.testing import make_body, make_secretary
from kansli.meetings.tests.test_appeal import approved
from kansli.org.models import Role
from kansli.org.testing import make_user
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

NOTICE = datetime.date(2026, 11, 3)


def test_an_appeal_in_time_stops_legal_force() -> None:
    body = make_body()
    secretary = make_secretary(body)
    today = timezone.localdate()
    paragraph = approved(body, AppealRoute.LEGALITY, posted=today - datetime.timedelta(days=2))
    assert appeal.legal_force(paragraph) is not None
    url = f"/moten/paragraf/{paragraph.pk}/"
    answer = signed_in(secretary).post(url, {"form": "appeal", "received_on": today})
    assert answer.status_code == 302
    paragraph = Paragraph.objects.get(pk=paragraph.pk)
    assert paragraph.appealed_on == today
    assert appeal.legal_force(paragraph) is None
    case = paragraph.item.case
    assert case is not None
    timeline = " ".join(case.timeline.values_list("text", flat=True))
    assert f"har överklagats; överklagandet kom in den {appeal.long_date(today)}." in timeline
    page = signed_in(secretary).get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"Beslutet är överklagat: överklagandet kom in den {today:%Y-%m-%d}" in page
    assert "vinner laga kraft den" not in page
    with pytest.raises(ValidationError, match="redan registrerat"):
        actions.do_record_appeal(paragraph, today, actor=secretary)


def test_a_late_appeal_is_noted_as_late() -> None:
    body = make_body()
    secretary = make_secretary(body)
    paragraph = approved(body, AppealRoute.LEGALITY, posted=NOTICE)
    actions.do_record_appeal(paragraph, datetime.date(2026, 11, 25), actor=secretary)
    case = paragraph.item.case
    assert case is not None
    timeline = " ".join(case.timeline.values_list("text", flat=True))
    assert "kom in den 25 november 2026, efter överklagandetidens slut." in timeline


def test_the_page_says_when_the_decision_gains_and_has_gained_legal_force() -> None:
    body = make_body()
    secretary = make_secretary(body)
    today = timezone.localdate()
    recent = approved(body, AppealRoute.LEGALITY, posted=today - datetime.timedelta(days=1))
    page = signed_in(secretary).get(f"/moten/paragraf/{recent.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
    in_force = appeal.legal_force(recent)
    assert (
        f"vinner laga kraft den {in_force:%Y-%m-%d} om det inte överklagas" in page.content.decode()
    )
    old = approved(body, AppealRoute.LEGALITY, posted=NOTICE)
    page = signed_in(secretary).get(f"/moten/paragraf/{old.pk}/", HTTP_ACCEPT_LANGUAGE="sv")
    assert "Beslutet vann laga kraft den 2026-11-25." in page.content.decode()


def test_bad_appeals_are_refused_and_change_nothing() -> None:
    body = make_body()
    secretary = make_secretary(body)
    officer = make_user(roles=[(Role.OFFICER, body.authority)])
    paragraph = approved(body, AppealRoute.LEGALITY, posted=NOTICE)
    unappealable = approved(make_body(), AppealRoute.NONE, posted=NOTICE)
    other_secretary = make_secretary(unappealable.body)
    events = AuditEvent.objects.count()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for day in [datetime.date(2026, 11, 2), tomorrow]:  # before the approval, the future
        with pytest.raises(ValidationError, match="mellan justeringen och i dag"):
            actions.do_record_appeal(paragraph, day, actor=secretary)
    with pytest.raises(PermissionDenied):
        actions.do_record_appeal(paragraph, datetime.date(2026, 11, 9), actor=officer)
    answer = signed_in(officer).post(
        f"/moten/paragraf/{paragraph.pk}/", {"form": "appeal", "received_on": "2026-11-09"}
    )
    assert answer.status_code in (200, 404)
    with pytest.raises(ValidationError, match="går inte att överklaga"):
        actions.do_record_appeal(unappealable, datetime.date(2026, 11, 9), actor=other_secretary)
    assert Paragraph.objects.get(pk=paragraph.pk).appealed_on is None
    assert AuditEvent.objects.count() == events
