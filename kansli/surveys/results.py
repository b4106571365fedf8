"""The results of a survey per round: the response rate (answered / invited, as Leksand
computes it), the average per statement on the scale 1–5 ("vet ej" not counted), and the
change since the round before. Nothing is shown of a round with fewer answers than the
threshold, nor an average of fewer numeric answers, so a small group cannot be unmasked
(GDPR art. 5.1 c, data minimisation; the survey promised anonymity)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Q

from kansli.surveys.models import Answer, Response, Round, Statement, Survey


def threshold() -> int:
    return int(getattr(settings, "KANSLI_SURVEY_MIN_ANSWERS", 3))


@dataclass
class Cell:
    average: float | None  # None: not asked, or too few answers to show
    change: float | None = None  # since the last round that showed an average

    @property
    def direction(self) -> str:
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"


@dataclass
class RoundResult:
    round: Round
    invited: int
    answered: int
    shown: bool  # at least the threshold answered
    comments: list[tuple[str, str]] = field(default_factory=list)  # (name or "", text)

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.invited, 1) if self.invited else None


@dataclass
class Row:
    statement: Statement
    cells: list[Cell]  # one per round, oldest first


@dataclass
class Results:
    rounds: list[RoundResult]  # oldest first
    rows: list[Row]


def results(survey: Survey) -> Results:
    minimum = threshold()
    rounds = list(
        survey.rounds.order_by("period_start").annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__answered=True)),
        )
    )
    heads = []
    for round_ in rounds:
        result = RoundResult(round_, round_.invited, round_.answered, round_.answered >= minimum)
        if result.shown and survey.with_comment:
            comments = Response.objects.filter(round=round_).exclude(comment="")
            result.comments = [
                ("" if survey.anonymous or r.user is None else str(r.user), r.comment)
                for r in comments.select_related("user").order_by("id")
            ]
        heads.append(result)
    shown = [r.round.pk for r in heads if r.shown]
    figures = {
        (row["response__round"], row["statement"]): row
        for row in Answer.objects.filter(response__round__in=shown, value__isnull=False)
        .values("response__round", "statement")
        .annotate(average=Avg("value"), count=Count("id"))
        .order_by()
    }
    asked = set(
        Round.statements.through.objects.filter(round__survey=survey).values_list(
            "round_id", "statement_id"
        )
    )
    statements = (
        Statement.objects.filter(Q(retired=False, survey=survey) | Q(rounds__survey=survey))
        .distinct()
        .order_by("retired", "position", "pk")
    )
    rows = []
    for statement in statements:
        cells: list[Cell] = []
        last: float | None = None
        for head in heads:
            figure = figures.get((head.round.pk, statement.pk))
            if (head.round.pk, statement.pk) not in asked or figure is None:
                cells.append(Cell(None))
                continue
            if figure["count"] < minimum:
                cells.append(Cell(None))
                continue
            average = float(figure["average"])
            change = round(average - last, 2) if last is not None else None
            cells.append(Cell(round(average, 2), change))
            last = average
        rows.append(Row(statement, cells))
    return Results(heads, rows)
