"""Committee administration (nämndadministration): bodies and their meetings, the
agenda, the minutes with their § and votes, approval, the notice board and dispatch."""

from kansli.meetings.models.bodies import Body, GraphicProfile
from kansli.meetings.models.delegation import Delegate, DelegatedDecision, DelegationPoint
from kansli.meetings.models.eapproval import Appendix, ApprovalComment, ParagraphApproval
from kansli.meetings.models.meetings import (
    Absence,
    AgendaItem,
    Meeting,
    Opening,
    PrivateNote,
    Section,
)
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
from kansli.meetings.models.news import NewsItem, NewsRead
from kansli.meetings.models.notices import Expedition, Notice, ParagraphNotice, PostedNotice
from kansli.meetings.models.votes import Motion, Vote

__all__ = [
    "Absence",
    "AgendaItem",
    "AppealRoute",
    "Appendix",
    "Approval",
    "ApprovalComment",
    "Attendance",
    "Ballot",
    "Body",
    "Conflict",
    "Correction",
    "Delegate",
    "DelegatedDecision",
    "DelegationPoint",
    "Dissent",
    "Expedition",
    "GraphicProfile",
    "Meeting",
    "Minutes",
    "Motion",
    "NewsItem",
    "NewsRead",
    "Notice",
    "Opening",
    "Outcome",
    "Paragraph",
    "ParagraphApproval",
    "ParagraphNotice",
    "PostedNotice",
    "PrivateNote",
    "Section",
    "Vote",
]
