"""The minutes approved within fourteen days (KL 5 kap. 69 §, 6 kap. 35 §): the warning on
the secretary's minutes page and in the meetings list, and the count per quarter in the
measures, checked against a table worked out by hand.

Today is Friday 4 December 2026. The deadline is the fourteenth day after the meeting
day; approval on that day is in time.

| meeting (13.00)  | approved         | deadline (day + 14) | counted as                   |
|------------------|------------------|---------------------|------------------------------|
| Tue 1 Sep 2026   | Thu 3 Sep        | Tue 15 Sep          | in time                      |
| Thu 10 Sep 2026  | Fri 25 Sep       | Thu 24 Sep          | approved late (Q3)           |
| Thu 1 Oct 2026   | Thu 15 Oct       | Thu 15 Oct          | in time (the last day)       |
| Mon 5 Oct 2026   | Tue 20 Oct       | Mon 19 Oct          | approved late (Q4)           |
| Thu 19 Nov 2026  | not approved     | Thu 3 Dec           | not approved after 14 days   |
| Fri 20 Nov 2026  | not approved     | Fri 4 Dec (today)   | not yet late                 |

So 2026 K3: approved late 1, not approved 0; 2026 K4: approved late 1, not approved 1.
"""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.measures import quarters
from kansli.meetings.models import Meeting
from kansli.meetings.testing import make_body, make_member, make_secretary, record_present
from kansli.org.models import ElectedPosition
from kansli.org.testing import make_authority
from kansli.registry.testing import make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.make_aware(datetime.datetime(2026, 12, 4, 12))
TABLE = [
    (datetime.date(2026, 9, 1), datetime.date(2026, 9, 3)),
    (datetime.date(2026, 9, 10), datetime.date(2026, 9, 25)),
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 15)),
    (datetime.date(2026, 10, 5), datetime.date(2026, 10, 20)),
    (datetime.date(2026, 11, 19), None),
    (datetime.date(2026, 11, 20), None),
]


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def body(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Any:
    settings.LANGUAGE_CODE = "sv"
    monkeypatch.setattr(timezone, "now", lambda: TODAY)
    # Dated from before TODAY: the model's default is the machine's real date, which
    # on any day after 4 December would make KS not yet exist on TODAY.
    make_authority(valid_from=datetime.date(2020, 1, 1))
    body = make_body()
    chair = make_member(body, ElectedPosition.CHAIR, first_name="Carina")
    approver = make_member(body, first_name="Anders")
    for day, approved in TABLE:
        meeting = actions.do_schedule_meeting(body, at(day, 13), "Sessionssalen", actor=None)
        case = make_case(f"Ärende {day}", authority=body.authority)
        actions.do_preregister_item(
            meeting, case, title=f"Ärende {day}", proposal="Antas.", at=at(day, 9), actor=None
        )
        actions.do_dispatch_meeting(meeting, at=at(day, 10), actor=None)
        minutes = actions.do_open_minutes(meeting, approvers=[approver], actor=None)
        record_present(minutes, chair, approver)
        if approved is not None:
            for who in [chair, approver]:
                actions.do_approve_minutes(minutes, verified=True, at=at(approved, 10), actor=who)
    return body


def test_late_minutes_are_counted_per_quarter_and_warned_of(body: Any) -> None:
    found = {q.label: (q.approved_late, q.not_approved) for q in quarters(body)}
    assert found == {"2026 K3": (1, 0), "2026 K4": (1, 1)}
    browser = Client()
    browser.force_login(make_secretary(body))
    page = browser.get(f"/moten/organ/{body.pk}/matt/").content.decode()
    assert "Protokoll justerade senare än 14 dagar" in page
    assert "Protokoll ej justerade efter 14 dagar" in page
    assert "lagen: inom 14 dagar, KL 5 kap. 69 §" in page
    # The secretary is warned on the minutes page and in the list.
    late = Meeting.objects.get(starts_at=at(datetime.date(2026, 11, 19), 13))
    not_yet = Meeting.objects.get(starts_at=at(datetime.date(2026, 11, 20), 13))
    warning = "Protokollet är inte justerat inom 14 dagar efter sammanträdet"
    page = browser.get(f"/moten/{late.pk}/protokoll/").content.decode()
    assert f"{warning} (senast 2026-12-03)" in page
    assert warning not in browser.get(f"/moten/{not_yet.pk}/protokoll/").content.decode()
    listing = browser.get("/moten/").content.decode()
    # Of the meetings in the list (the last 120 days), only 19 November is late.
    assert listing.count("Inte justerat inom 14 dagar") == 1
