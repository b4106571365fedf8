"""The response rate, averages and trend against a table computed by hand.

Survey to 5 officers, statements A and B, threshold 3 ("vet ej" = None):

| round   | answered | rate  | A answers  | A avg | A change | B answers   | B avg        |
|---------|----------|-------|------------|-------|----------|-------------|--------------|
| 2026 K1 | 4 of 5   | 80.0  | 5, 4, 4, 2 | 3.75  | –        | 3, –, 2, 1  | 2.00         |
| 2026 K2 | 3 of 5   | 60.0  | 5, 5, 3    | 4.33  | +0.58    | 1, –, –     | hidden (1<3) |
| 2026 K3 | 2 of 5   | 40.0  | 1, 1       | hidden (round below threshold)  | hidden       |

A's change: 13/3 − 3.75 = 0.5833 → +0.58 (up). The seed's members' rate: 7 of 12 = 58.3 %.
"""

import datetime

import pytest

from kansli.surveys.results import RoundResult, results
from kansli.surveys.testing import answer_round, make_survey

pytestmark = pytest.mark.django_db

K1, K2, K3 = datetime.date(2026, 2, 2), datetime.date(2026, 5, 4), datetime.date(2026, 8, 3)


@pytest.fixture
def survey():
    survey, people = make_survey()
    answer_round(survey, people, [(5, 3), (4, None), (4, 2), (2, 1)], K1, ["Bra stöd", ""])
    answer_round(survey, people, [(5, 1), (5, None), (3, None)], K2)
    answer_round(survey, people, [(1, 1), (1, 1)], K3, ["Syns inte"])
    return survey


def test_rate_and_threshold(survey):
    found = results(survey)
    assert [r.round.period for r in found.rounds] == ["2026 K1", "2026 K2", "2026 K3"]
    assert [(r.answered, r.invited, r.rate, r.shown) for r in found.rounds] == [
        (4, 5, 80.0, True), (3, 5, 60.0, True), (2, 5, 40.0, False),
    ]  # fmt: skip


def test_averages_and_trend(survey):
    a, b = results(survey).rows
    assert [c.average for c in a.cells] == [3.75, 4.33, None]
    assert [c.change for c in a.cells] == [None, 0.58, None]
    assert [c.direction for c in a.cells] == ["", "up", ""]
    assert [c.average for c in b.cells] == [2.0, None, None]


def test_comments_only_above_threshold_and_without_name(survey):
    found = results(survey)
    assert found.rounds[0].comments == [("", "Bra stöd")]
    assert found.rounds[2].comments == []


def test_seed_rate():
    assert RoundResult(None, 12, 7, True).rate == 58.3


def test_downward_change():
    survey, people = make_survey(statements=["A"], officers=3)
    answer_round(survey, people, [(4,), (4,), (4,)], K1)
    answer_round(survey, people, [(3,), (3,), (2,)], K2)
    cells = results(survey).rows[0].cells
    assert [c.average for c in cells] == [4.0, 2.67]
    assert cells[1].change == -1.33 and cells[1].direction == "down"
