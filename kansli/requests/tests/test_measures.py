import datetime
from zoneinfo import ZoneInfo

import pytest

from kansli.meetings.actions.delegation import do_add_delegation_point
from kansli.meetings.testing import make_body
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.requests.actions.appeal import do_register_appeal
from kansli.requests.actions.refuse import do_refuse
from kansli.requests.measures import request_quarters
from kansli.requests.models import AccessRequest, Appeal, Refusal
from kansli.requests.testing import make_request
from kansli.requests.tests.delivery_data import make_data
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db

SE = ZoneInfo("Europe/Stockholm")


def at(day: str, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), SE)


# Received, answered (None: not yet), working days counted by hand (kansli.workdays).
REQUESTS = [
    (at("2026-09-07", 10), at("2026-09-07", 15)),  # Monday, same day: 0
    (at("2026-09-11", 16), at("2026-09-14", 9)),  # Friday to Monday: 1
    (at("2026-09-12", 11), at("2026-09-14", 9)),  # a Saturday counts from Monday: 0
    (at("2026-09-15", 9), at("2026-09-17", 9)),  # Tuesday to Thursday: 2
    (at("2026-09-16", 9), at("2026-09-23", 9)),  # a week: 5
    (at("2026-09-30", 9), None),  # not answered
    (at("2026-10-30", 9), at("2026-11-02", 9)),  # Friday to Monday: 1
    # Midnight after 30 September here is 22:00 UTC on the 30th: K4 by the local day.
    (at("2026-10-01", 0), at("2026-10-01", 10)),  # same day: 0
    # Friday midsommarafton (lag 1930:173 2 §), Saturday midsommardagen, Sunday: 1.
    (at("2026-06-18", 16), at("2026-06-22", 9)),
]
# Quarter: requests, same day, within one, within two, refusals, appeals. Q4 also holds
# the refused request below (received 2026-10-20, not answered).
TABLE = [
    ("2026 K4", 3, 1, 2, 2, 1, 1),
    ("2026 K3", 6, 2, 3, 4, 0, 0),
    ("2026 K2", 1, 0, 1, 1, 0, 0),
]
SHARES = {
    "2026 K4": (33.3, 66.7, 66.7),
    "2026 K2": (0.0, 100.0, 100.0),
    "2026 K3": (33.3, 50.0, 66.7),
}


def test_the_promptness_and_the_refusals_and_appeals_per_quarter() -> None:
    data = make_data()
    ks = make_authority("KS")
    chief = make_user("chefen", first_name="Karin", last_name="Chef", roles=[(Role.OFFICER, ks)])
    do_add_delegation_point(ks, "2.1", "Avslag", "Kanslichef", delegates=[chief], actor=None)
    refusal = do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    appeal = do_register_appeal(refusal, refusal.decided_on, actor=data.registrar)
    # The days the refusal and the appeal fell on, and the clocks, set for the table:
    # the actions take them from now.
    AccessRequest.objects.filter(pk=data.request.pk).update(received_at=at("2026-10-20", 9))
    Refusal.objects.filter(pk=refusal.pk).update(decided_on=datetime.date(2026, 10, 21))
    Appeal.objects.filter(pk=appeal.pk).update(received_on=datetime.date(2026, 11, 2))
    for received, answered in REQUESTS:
        made = make_request(ks, received_at=received)
        AccessRequest.objects.filter(pk=made.pk).update(answered_at=answered)
    make_request(make_authority("BN", "Byggnämnden"))  # another authority's: not counted
    rows = request_quarters(ks)
    got = [
        (q.label, q.requests, q.same_day, q.within_one, q.within_two, q.refusals, q.appeals)
        for q in rows
    ]
    assert got == TABLE
    for q in rows:
        assert (q.same_day_share, q.within_one_share, q.within_two_share) == SHARES[q.label]
    page = signed_in(data.registrar).get(f"/moten/organ/{make_body(ks).pk}/matt/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Begäran om allmän handling till" in text and "2 (33,3 %)" in text
