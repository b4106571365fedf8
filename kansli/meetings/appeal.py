"""Överklagandehänvisning: the appeal instructions of a decision (FL 33 §), written out
by its appeal route for the minutes extract, and so for the letter that sends it, and
for the dispatch e-mail. Always in Swedish: they are part of the decision, whatever
language the secretary's screen is in."""

from __future__ import annotations

import datetime

from django.utils import dateformat, translation

from kansli.meetings.models import (
    AppealRoute,
    GraphicProfile,
    Outcome,
    Paragraph,
    PostedNotice,
)
from kansli.org.models import Municipality
from kansli.workdays.calendar import legal_deadline

HEADING = "Hur man överklagar"


def court_of(municipality: Municipality) -> str:
    """The förvaltningsrätt configured for the municipality (KL 13 kap. 5 §), or just
    "förvaltningsrätten" when none is: never a court that may be the wrong one."""
    profile = GraphicProfile.objects.filter(municipality=municipality).first()
    return profile.court if profile is not None and profile.court else "förvaltningsrätten"


def long_date(day: datetime.date) -> str:
    with translation.override("sv"):
        return dateformat.format(day, "j F Y")


def notice_of(paragraph: Paragraph) -> PostedNotice | None:
    """The notice the § is appealed from: its own when it was approved immediately (KL
    5 kap. 70 §), else the notice of the approved minutes; None before either."""
    if paragraph.approved_at is not None:
        return getattr(paragraph, "notice", None)
    return getattr(paragraph.minutes, "notice", None)


def route_of(paragraph: Paragraph) -> str:
    """The route that applies: a postponed, referred-back or noted item is no decision
    that can be appealed (a preparatory decision, KL 13 kap. 2 §)."""
    return paragraph.appeal_route if paragraph.outcome == Outcome.DECIDED else AppealRoute.NONE


def instructions(paragraph: Paragraph) -> list[str]:
    """The appeal instructions of the decision in the §, paragraph by paragraph."""
    route = route_of(paragraph)
    if route == AppealRoute.NONE:
        return ["Beslutet kan inte överklagas."]
    authority = paragraph.body.authority
    court = court_of(authority.municipality)
    if route == AppealRoute.ADMINISTRATIVE:  # FL 40–45 §§
        return [
            "Den som beslutet angår kan överklaga det, om beslutet har gått hen emot "
            f"(42 § förvaltningslagen). Överklagandet prövas av {court}.",
            f"Skriv till {authority.name} i {authority.municipality.name}, inte till "
            "förvaltningsrätten (43 §). Tala om vilket beslut du överklagar (organ, datum "
            "och paragraf) och hur du vill att det ska ändras.",
            f"Överklagandet ska ha kommit in till {authority.name} inom tre veckor från "
            "den dag du fick del av beslutet (44 §). Har det kommit in i tid skickar "
            f"{authority.name} det vidare till {court} (45 §).",
        ]
    # KL 13 kap. 1, 5 and 8 §§: any member of the municipality, three weeks from the
    # day the approval of the minutes was announced on the notice board.
    notice = notice_of(paragraph)
    last_day = f", alltså senast den {long_date(notice.appeal_ends)}" if notice else ""
    what = "paragrafen justerats omedelbart" if paragraph.approved_at else "protokollet justerats"
    return [
        "Alla som är medlemmar i kommunen kan överklaga beslutet genom laglighetsprövning "
        "enligt 13 kap. kommunallagen (2017:725). Medlem är den som är folkbokförd i "
        "kommunen, äger fast egendom där eller betalar kommunalskatt där.",
        f"Skriv till {court} och tala om vilket beslut du överklagar (organ, datum och "
        "paragraf) och varför du anser att det inte har kommit till på lagligt sätt. "
        "Domstolen prövar bara om beslutet är lagligt, inte om det är lämpligt "
        "(13 kap. 8 §).",
        f"Överklagandet ska ha kommit in till {court} inom tre veckor från den dag då det "
        f"tillkännagavs på kommunens anslagstavla att {what} "
        f"(13 kap. 5 §){last_day}.",
    ]


def legal_force(paragraph: Paragraph) -> datetime.date | None:
    """The day the decision gains legal force (vinner laga kraft) if no appeal comes in
    within its time: for laglighetsprövning the day after the notice's appeal period
    (KL 13 kap. 5 §); for förvaltningsbesvär the day after three weeks from the day the
    last recipient was notified (FL 44 §, Lag (1930:173)), unknown (None) until every
    recipient's day is; none for a decision that cannot be appealed, nor for one that
    has been appealed in time (it gains legal force only when the appeal is decided). A
    late appeal is dismissed (KL 13 kap. 5 §, FL 45 §) and takes nothing away."""
    day = _legal_force(paragraph)
    appealed = paragraph.appealed_on
    return None if appealed is not None and (day is None or appealed < day) else day


def _legal_force(paragraph: Paragraph) -> datetime.date | None:
    route = route_of(paragraph)
    after = datetime.timedelta(days=1)
    if route == AppealRoute.LEGALITY:
        notice = notice_of(paragraph)
        return notice.appeal_ends + after if notice else None
    if route == AppealRoute.ADMINISTRATIVE:
        days = [e.notified_on for e in paragraph.expeditions.all()]
        if not days or None in days:
            return None
        return legal_deadline(max(d for d in days if d is not None), weeks=3) + after
    return None
