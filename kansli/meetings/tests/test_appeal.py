"""The decision record's appeal route and the generated appeal instructions
(överklagandehänvisning, FL 33 §) in the minutes extract and the dispatch e-mail, the
förvaltningsrätt and the place the minutes are kept, configured per municipality.

Last day of a laglighetsprövning (KL 13 kap. 5 §: three weeks from the day the notice
of approval was posted; Lag (1930:173): a period ending on a Saturday, Sunday, public
holiday, midsommarafton, julafton or nyårsafton runs to the next day that is none),
worked out by hand from the 2026 calendar:

| notice posted       | three weeks on              | moved past             | last day         |
|---------------------|-----------------------------|------------------------|------------------|
| Tue 3 November 2026 | Tue 24 November (work day)  | –                      | 24 november 2026 |
| Fri 29 May 2026     | Fri 19 June (midsommarafton)| Sat 20, Sun 21         | 22 juni 2026     |
| Fri 4 December 2026 | Fri 25 December (juldagen)  | Sat 26 (annandag), Sun | 28 december 2026 |
"""

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kansli.meetings import actions, appeal
from kansli.meetings.models import AppealRoute, Body, Expedition, Notice, Outcome, Paragraph
from kansli.meetings.testing import make_body, make_member, make_secretary
from kansli.org.models import ElectedPosition
from kansli.org.testing import make_sysadmin
from kansli.registry.testing import make_case
from kansli.workdays.calendar import legal_deadline

pytestmark = pytest.mark.django_db

COURT = "Förvaltningsrätten i Falun"


def configure(body: Body, court: str = COURT, kept_at: str = "") -> None:
    actions.do_set_graphic_profile(
        body.authority.municipality,
        colour="#1f4e79",
        font_family="DejaVu Sans",
        court=court,
        minutes_kept_at=kept_at,
        actor=make_sysadmin(),
    )


def approved(
    body: Body,
    route: str,
    *,
    posted: datetime.date = datetime.date(2026, 11, 3),
    outcome: str = Outcome.DECIDED,
) -> Paragraph:
    """A decided § in minutes held the day before `posted` and approved on it, so the
    notice is posted that day."""
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    starts = timezone.make_aware(datetime.datetime.combine(posted, datetime.time(9)))
    meeting = actions.do_schedule_meeting(
        body, starts - datetime.timedelta(days=1), "Sessionssalen", actor=None
    )
    case = make_case("Bygglov för Storåsen 1:4", authority=body.authority)
    actions.do_preregister_item(
        meeting, case, title="Bygglov Storåsen", at=starts - datetime.timedelta(days=20), actor=None
    )
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    actions.do_record_attendance(minutes, chair, "ledamot", actor=None)
    paragraph = minutes.paragraphs.get()
    actions.do_record_decision(
        paragraph,
        decision="Bygglov beviljas.",
        outcome=outcome,
        appeal_route=route,
        actor=None,
    )
    actions.do_approve_minutes(minutes, verified=True, at=starts, actor=chair)
    return Paragraph.objects.get(pk=paragraph.pk)


def extract_text(paragraph: Paragraph) -> str:
    assert paragraph.extract is not None
    (stored,) = [f.stored for f in paragraph.extract.files.all()]
    with stored.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize(
    ("posted", "last_day"),
    [
        (datetime.date(2026, 11, 3), "24 november 2026"),
        (datetime.date(2026, 5, 29), "22 juni 2026"),
        (datetime.date(2026, 12, 4), "28 december 2026"),
    ],
)
def test_legality_review_gives_the_court_and_the_last_day(
    posted: datetime.date, last_day: str
) -> None:
    body = make_body()
    configure(body)
    paragraph = approved(body, AppealRoute.LEGALITY, posted=posted)
    notice = Notice.objects.get(minutes=paragraph.minutes)
    assert notice.posted_on == posted
    text = extract_text(paragraph)
    assert "Hur man överklagar" in text and "laglighetsprövning" in text
    assert f"Skriv till {COURT}" in text and f"kommit in till {COURT}" in text
    assert f"senast den {last_day}" in text
    assert "fick del av beslutet" not in text


def test_an_administrative_appeal_goes_to_the_authority_within_three_weeks_of_receipt() -> None:
    body = make_body()
    configure(body)
    paragraph = approved(body, AppealRoute.ADMINISTRATIVE)
    text = extract_text(paragraph)
    authority = body.authority.name
    assert f"Skriv till {authority} i {body.authority.municipality.name}" in text
    assert "inte till förvaltningsrätten (43 §)" in text
    assert f"kommit in till {authority} inom tre veckor från den dag du fick del av beslutet" in (
        text
    )
    assert f"Överklagandet prövas av {COURT}" in text
    assert "laglighetsprövning" not in text and "senast den" not in text


@pytest.mark.parametrize(
    ("route", "outcome"),
    [(AppealRoute.NONE, Outcome.DECIDED), (AppealRoute.LEGALITY, Outcome.NOTED)],
)
def test_a_decision_that_cannot_be_appealed_says_so(route: str, outcome: str) -> None:
    body = make_body()
    configure(body)
    text = extract_text(approved(body, route, outcome=outcome))
    assert "Beslutet kan inte överklagas." in text
    assert "förvaltningsrätt" not in text.casefold()


def test_without_a_configured_court_no_court_is_named() -> None:
    body = make_body()
    text = extract_text(approved(body, AppealRoute.LEGALITY))
    assert "Skriv till förvaltningsrätten och" in text
    assert "Förvaltningsrätten i" not in text


def test_an_unknown_route_is_refused_and_nothing_is_saved() -> None:
    body = make_body()
    meeting = actions.do_schedule_meeting(body, timezone.now(), "Sessionssalen", actor=None)
    case = make_case("Bygglov", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Bygglov", actor=None)
    paragraph = actions.do_open_minutes(meeting, approvers=[], actor=None).paragraphs.get()
    with pytest.raises(ValidationError, match="laglighetsprövning, förvaltningsbesvär"):
        actions.do_record_decision(
            paragraph, decision="Beviljas.", appeal_route="hovrätten", actor=None
        )
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.appeal_route == AppealRoute.LEGALITY and stored.decision == ""


def test_the_dispatch_email_holds_the_instructions(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    body = make_body()
    configure(body)
    paragraph = approved(body, AppealRoute.ADMINISTRATIVE)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_dispatch_decision(
            paragraph, [("Sökanden", "sokande@example.se", "epost")], actor=None
        )
    (message,) = mail.outbox
    text = " ".join(message.body.split())
    assert "står i beslutet" not in text
    assert "Hur man överklagar (står också sist i protokollsutdraget)" in text
    assert "inom tre veckor från den dag du fick del av beslutet" in text
    assert f"Överklagandet prövas av {COURT}" in text


def test_the_minutes_and_the_notice_say_where_the_minutes_are_kept() -> None:
    body = make_body()
    configure(body, kept_at="Kommunledningskontoret, Stadshuset, Storgatan 1")
    paragraph = approved(body, AppealRoute.LEGALITY)
    minutes = paragraph.minutes
    assert minutes.notice.kept_at == "Kommunledningskontoret, Stadshuset, Storgatan 1"
    assert minutes.sealed is not None
    with minutes.sealed.open() as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Protokollet förvaras Kommunledningskontoret, Stadshuset, Storgatan 1" in text


def test_the_secretary_chooses_the_route_on_the_paragraph_page() -> None:
    body = make_body()
    secretary = make_secretary(body)
    meeting = actions.do_schedule_meeting(body, timezone.now(), "Sessionssalen", actor=None)
    case = make_case("Bygglov", authority=body.authority)
    actions.do_preregister_item(meeting, case, title="Bygglov", actor=None)
    paragraph = actions.do_open_minutes(meeting, approvers=[], actor=None).paragraphs.get()
    browser = Client()
    browser.force_login(secretary)
    url = f"/moten/paragraf/{paragraph.pk}/"
    page = browser.get(url).content.decode()
    assert 'name="appeal_route"' in page and 'value="forvaltningsbesvar"' in page
    form = {"form": "decision", "decision": "Beviljas.", "outcome": "beslutat"}
    answer = browser.post(url, form | {"appeal_route": "forvaltningsbesvar"})
    assert answer.status_code == 302
    assert Paragraph.objects.get(pk=paragraph.pk).appeal_route == AppealRoute.ADMINISTRATIVE
    shown = browser.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "<dt>Överklagande</dt><dd>Förvaltningsbesvär</dd>" in shown
    refused = browser.post(url, form | {"decision": "Avslås.", "appeal_route": "hovrätten"})
    assert refused.status_code == 200 and "Välj ett giltigt alternativ" in refused.content.decode()
    stored = Paragraph.objects.get(pk=paragraph.pk)
    assert stored.appeal_route == AppealRoute.ADMINISTRATIVE and stored.decision == "Beviljas."


# The day a decision gains legal force (laga kraft), worked out by hand: the day after
# the last day to appeal.
# | route              | starts the three weeks            | last day to appeal   | laga kraft |
# |--------------------|-----------------------------------|----------------------|------------|
# | laglighetsprövning | notice posted Tue 3 November 2026 | Tue 24 November      | 2026-11-25 |
# | förvaltningsbesvär | letter delivered Fri 4 Dec 2026   | Fri 25 Dec juldagen, | 2026-12-29 |
# |                    | (the e-mail sent that day too)    | so Mon 28 December   |            |
# A letter's delivery is recorded afterwards; until it is, the day is not known.


def test_legality_review_gains_legal_force_the_day_after_the_notice_comes_down() -> None:
    body = make_body()
    paragraph = approved(body, AppealRoute.LEGALITY, posted=datetime.date(2026, 11, 3))
    assert appeal.legal_force(paragraph) == datetime.date(2026, 11, 25)
    case = paragraph.item.case
    assert case is not None
    timeline = case.timeline.values_list("text", flat=True)
    assert f"Beslutet i § {paragraph.number} vinner laga kraft den 25 november 2026" in " ".join(
        timeline
    )


def test_an_administrative_appeal_counts_from_the_last_recipient_notified() -> None:
    body = make_body()
    secretary = make_secretary(body)
    paragraph = approved(body, AppealRoute.ADMINISTRATIVE)
    sent = actions.do_dispatch_decision(
        paragraph,
        [("Sökanden", "sokande@example.se", "epost"), ("Grannen", "Storgatan 3", "brev")],
        actor=secretary,
    )
    email, letter = sent
    assert email.notified_on == timezone.localdate() and letter.notified_on is None
    assert appeal.legal_force(paragraph) is None  # the letter's day is not known yet
    today = timezone.localdate()
    for expedition, day, error in [
        (email, today, "Bara ett brev"),
        (letter, today - datetime.timedelta(days=1), "mellan utskicket och i dag"),
        (letter, today + datetime.timedelta(days=1), "mellan utskicket och i dag"),
    ]:
        with pytest.raises(ValidationError, match=error):
            actions.do_record_delivery(expedition, day, actor=secretary)
    assert Expedition.objects.get(pk=letter.pk).delivered_on is None
    browser = Client()
    browser.force_login(secretary)
    url = f"/moten/paragraf/{paragraph.pk}/"
    answer = browser.post(url, {"form": "delivery", "letter": letter.pk, "day": today})
    assert answer.status_code == 302
    assert Expedition.objects.get(pk=letter.pk).delivered_on == today
    if today == datetime.date(2026, 12, 4):  # the table above
        assert appeal.legal_force(paragraph) == datetime.date(2026, 12, 29)
    expected = legal_deadline(today, weeks=3) + datetime.timedelta(days=1)
    assert appeal.legal_force(paragraph) == expected
    page = browser.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"vinner laga kraft den {expected:%Y-%m-%d}" in page
    case = paragraph.item.case
    assert case is not None
    timeline = " ".join(case.timeline.values_list("text", flat=True))
    assert f"vinner laga kraft den {appeal.long_date(expected)}" in timeline
