"""The demo's surveys: Leksand's statements (seed 003) to Kommunstyrelsen's officers and
to its elected members, each with two past quarters answered (officers about 80 %,
members about 58 %, as in Leksand) so the results show a trend, the current quarter's
round open, and two follow-up actions from Leksand's analysis."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from kansli.org.models import Authority, Role, RoleAssignment
from kansli.surveys import actions
from kansli.surveys.models import Survey
from kansli.surveys.statements import MEMBERS, OFFICERS

# Leksand's averages (seed 003); the later quarter a little better, extra items alike.
OFFICER_MEANS = [3.76, 4.05, 3.91, 4.18, 4.28, 3.45, 4.07, 4.07, 2.0, 3.62, 3.9]
MEMBER_MEANS = [4.32, 3.44, 3.4, 4.12, 4.04, 3.8, 3.92, 3.49, 4.3, 3.85, 3.88, 2.9, 3.4, 2.48]


def _answers(rng: random.Random, means: list[float], lift: float) -> list[int | None]:
    values: list[int | None] = []
    for mean in means:
        if rng.random() < 0.08:
            values.append(None)  # vet ej
        else:
            values.append(min(5, max(1, round(rng.gauss(mean + lift, 0.8)))))
    return values


def _survey(ks: Authority, title: str, officers: bool, means: list[float], rate: float,
            rng: random.Random) -> Survey:  # fmt: skip
    texts = OFFICERS if officers else MEMBERS
    survey = actions.do_create_survey(
        ks, title, statements=texts, to_officers=officers, to_members=not officers,
        anonymous=True, with_comment=True, results_to_respondents=not officers, actor=None,
    )  # fmt: skip
    today = timezone.localdate()
    for months_back, lift in ((6, 0.0), (3, 0.25)):
        day = today - datetime.timedelta(days=31 * months_back)
        round_ = actions.do_open_round(survey, today=day, actor=None)
        statements = list(round_.statements.order_by("position"))
        invited = list(round_.invitations.select_related("user"))
        for invitation in rng.sample(invited, round(len(invited) * rate)):
            values = _answers(rng, means, lift)
            comment = rng.choice(["", "", "Snabba svar och gott bemötande.",
                                  "Oklart vilket stöd vi kan vänta oss av kansliet."])  # fmt: skip
            actions.do_answer(
                round_, {s.pk: v for s, v in zip(statements, values, strict=True)},
                comment=comment, actor=invitation.user, today=day,
            )  # fmt: skip
    actions.do_open_round(survey, today=today, actor=None)
    return survey


def load(seed: int, scale: float, report: Any) -> list[Any]:
    ks = Authority.objects.filter(code="KS").first()
    if ks is None or Survey.objects.exists():
        return []
    rng = random.Random(seed)
    officers = _survey(ks, "Enkät till handläggare om tjänsteutlåtanden", True,
                       OFFICER_MEANS, 0.8, rng)  # fmt: skip
    members = _survey(ks, "Enkät till förtroendevalda om ärendeberedningen", False,
                      MEMBER_MEANS, 0.58, rng)  # fmt: skip
    owner = (
        RoleAssignment.objects.valid_on().filter(authority=ks, role=Role.MANAGER).first()
        or RoleAssignment.objects.valid_on().filter(role=Role.SYSADMIN).first()
    )
    if owner is not None:
        due = timezone.localdate() + datetime.timedelta(days=60)
        actions.do_add_follow_up(
            officers, "Ta fram en mall för tjänsteutlåtanden i ärendehandboken.",
            owner=owner.user, due=due,
            statements=officers.statements.filter(text__startswith="Jag har en mall"), actor=None,
        )  # fmt: skip
        actions.do_add_follow_up(
            members, "Vad ska vi göra åt det? Stoppa extra ärenden och handlingar på bordet "
            "utan ordförandens beslut; följ upp per kvartal.",
            owner=owner.user, due=due,
            statements=members.statements.filter(text__startswith="Det förekommer aldrig att det "
                                                 "tillkommer"), actor=None,
        )  # fmt: skip
    return []
