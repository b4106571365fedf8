"""The measures page: measure 6 fails when the minutes reach the web more than two
working days after approval; measure 8 on the page and in the CSV; a trend chart per
measure whose figures are written out and named for screen readers; the page is the
staff's of the body's authority only."""

import re
from typing import Any

import pytest
from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.charts import chart
from kansli.meetings.models import Notice
from kansli.meetings.testing import (
    make_body,
    make_meeting,
    make_member,
    make_secretary,
    meeting_over,
    record_present,
)
from kansli.org.models import ElectedPosition, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case
from kansli.web.testing import signed_in, sv
from kansli.workdays.calendar import add_workdays

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A KS meeting with one item, held and its minutes approved by the chair."""
    body = make_body(make_authority("KS"))
    secretary = make_secretary(body)
    chair = make_member(body, ElectedPosition.CHAIR)
    meeting = make_meeting(body, days_ahead=2)
    actions.do_preregister_item(meeting, make_case("Parkbänkar"), title="Parkbänkar", actor=None)
    actions.do_dispatch_meeting(meeting, actor=None)
    minutes = actions.do_open_minutes(meeting, approvers=[], actor=None)
    record_present(minutes, chair)
    meeting_over(monkeypatch, meeting)
    actions.do_approve_minutes(minutes, verified=True, actor=chair)
    return {"body": body, "meeting": meeting, "secretary": secretary, "chair": chair}


def figure(page: str, term: str) -> str:
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", page)
    assert found, term
    return found.group(1)


def test_minutes_on_the_web_three_working_days_after_approval_fail_measure_six(
    approved: dict[str, Any],
) -> None:
    notice = Notice.objects.get(minutes__meeting=approved["meeting"])
    late = add_workdays(notice.posted_on, 3)
    Notice.objects.filter(pk=notice.pk).update(posted_on=late)
    page = signed_in(approved["secretary"]).get(f"/moten/organ/{approved['body'].pk}/matt/")
    web = figure(
        page.content.decode(), sv("Minutes on the web within %(goal)s working days", goal=2)
    )
    assert web.startswith("0 / 1") and sv("over the goal: %(n)s", n=1) in web
    Notice.objects.filter(pk=notice.pk).update(posted_on=add_workdays(notice.posted_on, 2))
    page = signed_in(approved["secretary"]).get(f"/moten/organ/{approved['body'].pk}/matt/")
    web = figure(
        page.content.decode(), sv("Minutes on the web within %(goal)s working days", goal=2)
    )
    assert web == "1 / 1"  # two working days: within the goal


def test_measure_eight_and_the_trend_charts_on_the_page_and_in_the_csv(
    approved: dict[str, Any],
) -> None:
    body, secretary = approved["body"], approved["secretary"]
    officer = make_user(roles=[(Role.OFFICER, body.authority)])
    make_user(roles=[(Role.REGISTRAR, body.authority)])  # staff who never read it
    item = actions.do_publish_news(
        body, "Snabbnytt från KS", "Parkbänkar.", meeting=approved["meeting"], actor=secretary
    )
    for reader in (secretary, officer):
        actions.do_read_news(item, actor=reader)
    browser = signed_in(secretary)
    page = browser.get(f"/moten/organ/{body.pk}/matt/").content.decode()
    read = figure(page, sv("Snabbnytt read within %(goal)s working days", goal=3))
    assert read.startswith("2 / 3 (66,7 %")
    charts = re.findall(r'<svg role="img"[^>]*aria-label="([^"]*)"', page)
    assert len(charts) == 8
    quarter = f"{timezone.localdate().year} K{(timezone.localdate().month - 1) // 3 + 1}"
    news = sv("Snabbnytt read within %(goal)s working days", goal=3)
    assert f"{news}, {sv('per cent')}: {quarter} 66,7" in charts
    assert f"{sv('Minutes on the web within %(goal)s working days', goal=2)}, " in charts[5]
    assert charts[5].endswith(f"{quarter} 100,0")
    rows = browser.get(f"/moten/organ/{body.pk}/matt.csv").content.decode("utf-8-sig")
    header, row = [line.split(";") for line in rows.strip().splitlines()][:2]
    figures = dict(zip(header, row, strict=True))
    assert figures["läst snabbnytt inom 3 arbetsdagar"] == "2"
    assert (figures["snabbnytt"], figures["anställda"]) == ("1", "3")


@pytest.mark.parametrize("who", ["chair", "other", "public"])
def test_the_measures_are_not_for_members_nor_another_authority(
    approved: dict[str, Any], who: str
) -> None:
    from django.test import Client

    users = {
        "chair": approved["chair"],
        "other": make_user(roles=[(Role.SECRETARY, make_authority("BUN"))]),
    }
    browser = Client() if who == "public" else signed_in(users[who])
    for path in ["matt/", "matt.csv"]:
        answer = browser.get(f"/moten/organ/{approved['body'].pk}/{path}")
        assert answer.status_code == (302 if who == "public" else 404)


def test_a_chart_scales_its_bars_and_leaves_a_gap_where_nothing_was_measured() -> None:
    drawn = chart(
        "Mått", "procent", [("2026 K1", 50.0), ("2026 K2", None), ("2026 K3", 100.0)], 100
    )
    heights = [bar.height for bar in drawn.bars]
    assert heights == [50, 0, 100]
    assert [bar.y for bar in drawn.bars] == [
        drawn.baseline - 50,
        drawn.baseline,
        drawn.baseline - 100,
    ]
    assert drawn.bars[0].x < drawn.bars[1].x < drawn.bars[2].x < drawn.width
    counts = chart("Extra", "ärenden", [("2026 K1", 4.0), ("2026 K2", 2.0)], 1)
    assert [bar.height for bar in counts.bars] == [100, 50]  # the largest fills the plot
