"""Test helpers that build surveys through the real actions."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence

from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.surveys.actions import do_answer, do_create_survey, do_open_round
from kansli.surveys.models import Round, Survey

_counter = itertools.count(1)


def make_survey(
    statements: Sequence[str] = ("Påstående A", "Påstående B"),
    officers: int = 5,
    **options: object,
) -> tuple[Survey, list[User]]:
    """A survey of the authority KS to `officers` new officers (no actor: the system)."""
    authority = make_authority()
    people = [
        make_user(
            roles=[(Role.OFFICER, authority)], email=f"handlaggare{next(_counter)}@example.se"
        )
        for _ in range(officers)
    ]
    survey = do_create_survey(authority, "Enkät", statements=statements, actor=None, **options)
    return survey, people


def answer_round(
    survey: Survey,
    people: Sequence[User],
    answers: Sequence[Sequence[int | None]],
    day: datetime.date,
    comments: Sequence[str] = (),
) -> Round:
    """Open the round of `day`'s period and let people[i] answer answers[i]."""
    round_ = do_open_round(survey, today=day, actor=None)
    statements = list(round_.statements.order_by("position"))
    for i, values in enumerate(answers):
        do_answer(
            round_,
            {s.pk: v for s, v in zip(statements, values, strict=True)},
            comment=comments[i] if i < len(comments) else "",
            actor=people[i],
            today=day,
        )
    return round_
