"""Leksand's measure 8 against a table worked out by hand before the code (the seed:
"Antal anställda som läser snabbnytt inom tre arbetsdagar efter publicering"): of the
staff on the publication day, how many first read the item within three working days.
The day of publication is day 0; one published on a day off counts from the next
working day; the municipality's closed days are not working days."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.measures import news_read_in_time, quarters
from kansli.meetings.models import Meeting
from kansli.meetings.testing import make_body, make_meeting, make_member, make_secretary
from kansli.org.actions import do_grant_role
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.workdays.actions import do_add_closed_day

D = datetime.date

# Published Wednesday 13 May 2026. Thursday 14 May is Kristi himmelsfärds dag, Friday
# 15 May a day the municipality has closed (klämdag), 16–17 May a weekend. Working
# days after the publication: 18 May 1, 19 May 2, 20 May 3, 21 May 4.
#   A  officer     reads 13 May   0  in time
#   B  registrar   reads 15 May   0  in time (a closed day: no working day has passed)
#   C  manager     reads 20 May   3  in time
#   D  officer     reads 21 May   4  late
#   E  archivist   never             not read
#   F  elected     reads 13 May      not staff: not counted
#   G  officer from 14 May, reads 18 May: not staff on the publication day, not counted
# Read in time: A, B, C = 3 of the 5 staff (A–E), 60 %.
CLOSED = frozenset({D(2026, 5, 15)})
READS = {1: D(2026, 5, 13), 2: D(2026, 5, 15), 3: D(2026, 5, 20), 4: D(2026, 5, 21),
         6: D(2026, 5, 13), 7: D(2026, 5, 18)}  # fmt: skip
STAFF = {1, 2, 3, 4, 5}


def test_staff_who_read_within_three_working_days() -> None:
    assert news_read_in_time(D(2026, 5, 13), READS, STAFF, CLOSED) == 3


# Published Saturday 16 May 2026: counted from Monday 18 May (day 0), so 21 May is
# 3 working days (in time) and 22 May is 4 (late). Counted from the Saturday itself,
# 21 May would already be the fourth working day.
def test_a_weekend_publication_counts_from_the_next_working_day() -> None:
    reads = {1: D(2026, 5, 21), 2: D(2026, 5, 22)}
    assert news_read_in_time(D(2026, 5, 16), reads, {1, 2}, CLOSED) == 1


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.mark.django_db
def test_measure_eight_per_quarter_from_the_stored_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table above stored: the staff as on the publication day are the authority's
    employees (not its elected members, not another authority's staff)."""
    body = make_body(make_authority("KS"))
    meeting = make_meeting(body, days_ahead=-200)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(D(2026, 5, 12)))
    meeting.refresh_from_db()
    do_add_closed_day(body.authority.municipality, D(2026, 5, 15), "Klämdag", actor=None)
    secretary = make_secretary(body)  # staff too: reads on the publication day
    people = [make_user(roles=[(role, body.authority)])
              for role in (Role.OFFICER, Role.REGISTRAR, Role.MANAGER, Role.OFFICER,
                           Role.ARCHIVIST)]  # fmt: skip
    elected = make_member(body)
    late_comer = make_user()
    do_grant_role(late_comer, Role.OFFICER, authority=body.authority,
                  valid_from=D(2026, 5, 14), actor=None)  # fmt: skip
    make_user(roles=[(Role.OFFICER, make_authority("BUN"))])  # another authority's staff
    monkeypatch.setattr(timezone, "now", lambda: _at(D(2026, 5, 13)))
    item = actions.do_publish_news(
        body, "Snabbnytt från KS", "KS beslutade om budget.", meeting=meeting, actor=secretary
    )
    read_on = [D(2026, 5, 13), D(2026, 5, 15), D(2026, 5, 20), D(2026, 5, 21)]
    monkeypatch.setattr(timezone, "now", lambda: _at(D(2026, 6, 1)))
    for reader, day in [*zip(people, read_on, strict=False), (late_comer, D(2026, 5, 18)),
                        (secretary, D(2026, 5, 13))]:  # fmt: skip
        assert actions.do_read_news(item, at=_at(day), actor=reader)
    with pytest.raises(PermissionDenied):  # staff news: not the elected members'
        actions.do_read_news(item, at=_at(D(2026, 5, 13)), actor=elected)
    assert not actions.do_read_news(item, actor=people[0])  # the first reading is kept
    (quarter,) = quarters(body)
    assert quarter.label == "2026 K2"
    assert (quarter.news, quarter.news_read, quarter.news_staff) == (1, 4, 6)
    assert quarter.news_share == 66.7
