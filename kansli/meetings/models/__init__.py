"""Committee administration (nämndadministration): bodies and their meetings, the
agenda, the minutes with their § and votes, approval, the notice board and dispatch."""

from kansli.meetings.models.bodies import Body, GraphicProfile
from kansli.meetings.models.delegation import DelegatedDecision, DelegationPoint
from kansli.meetings.models.meetings import AgendaItem, Meeting, Opening, PrivateNote, Section
from kansli.meetings.models.minutes import (
    AppealRoute,
    Approval,
    Attendance,
    Ballot,
    Conflict,
    Correction,
    Dissent,
    Minutes,
    Outcome,
    Paragraph,
)
from kansli.meetings.models.notices import Expedition, Notice

__all__ = [
    "AgendaItem",
    "AppealRoute",
    "Approval",
    "Attendance",
    "Ballot",
    "Body",
    "Conflict",
    "Correction",
    "DelegatedDecision",
    "DelegationPoint",
    "Dissent",
    "Expedition",
    "GraphicProfile",
    "Meeting",
    "Minutes",
    "Notice",
    "Opening",
    "Outcome",
    "Paragraph",
    "PrivateNote",
    "Section",
]
