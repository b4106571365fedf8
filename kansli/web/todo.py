"""What the start page says is to be done next (issue 15, item 7), read through the gate:
the officer's open cases, overdue ones, those due within a week and those begun by an
incoming document still without a handläggningsbesked (the letter telling the sender
who handles the case, kansli.registry.views.letters); the requests for
public documents still unanswered at the authorities the user registers for, with the
oldest one's day (TF 2 kap. 15 §: as soon as possible), and the inbox items waiting to be
registered with the oldest one's time (OSL 5 kap. 1 §: without delay); the minutes the user is to
approve (justera) and has not (KL 5 kap. 69 §); for a secretary, the minutes still
waiting for approval and the next meetings
with their item deadline (stoppdag), dispatch day and items still without a report; for
a manager, the team's load: open and overdue cases per officer; for a manager or an
archivist, the disposal lists (gallringslistor) waiting for their review or approval and
those approved but not yet carried out, and the transfers to the e-archive still waiting
for the e-archive's receipt (Arkivlagen 10 och 14 §§); for a registrar or secretary, the
e-förslag waiting to be checked before they are published for signing, and for those
who register, the e-service registrations whose diary text still says only their kind;
the API keys (the user's own, a system administrator's every one) that expire within
30 days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kansli.archive.models import Transfer
from kansli.eservices.views import undescribed, waiting_review
from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.models import Meeting, Minutes
from kansli.org.models import ApiToken, Role
from kansli.org.permissions import holds_role
from kansli.registry.models import Case, Direction
from kansli.registry.models.cases import OPEN_STATUSES
from kansli.registry.permissions import has_role
from kansli.registry.views.common import authorities_with, waiting_items
from kansli.registry.views.letters import LETTER
from kansli.requests.views.overview import listed
from kansli.retention.disposal import may_review
from kansli.retention.models import DisposalRun, RunState

SOON_DAYS = 7
KEYS_NOTICE = datetime.timedelta(days=30)
NEXT_MEETINGS = 3


@dataclass(frozen=True)
class ToDo:
    cases: int
    overdue: int
    due_soon: int
    unacknowledged: int
    inbox: int  # a registrar's inbox items not yet registered (OSL 5 kap. 1 §)
    oldest_inbox: datetime.datetime | None
    requests: int
    oldest_request: datetime.datetime | None
    to_approve: list[Minutes]
    waiting_minutes: list[Minutes]  # a secretary's: held, not yet approved by all
    next_meetings: list[Meeting]  # each with `without_report`
    team: list[dict[str, Any]]  # officer's name, open, overdue
    disposal: list[DisposalRun]  # each with `to_do`: review, approve or dispose
    transfers: list[Transfer]  # exported, without the e-archive's receipt
    petitions: int  # e-förslag waiting for review (kansli.eservices)
    undescribed: int  # e-service registrations still saying only their kind
    expiring_keys: list[ApiToken]  # the user's (a sysadmin's: all) within KEYS_NOTICE

    def __bool__(self) -> bool:
        return bool(
            self.cases
            or self.inbox
            or self.requests
            or self.to_approve
            or self.waiting_minutes
            or self.next_meetings
            or self.team
            or self.disposal
            or self.transfers
            or self.petitions
            or self.undescribed
            or self.expiring_keys
        )


def to_do(user: Any) -> ToDo:
    today = timezone.localdate()
    week = (today, today + datetime.timedelta(SOON_DAYS))
    mine = Case.objects.visible_to(user).filter(officer=user, status__in=OPEN_STATUSES)
    waiting = listed(user)
    oldest = waiting.values_list("received_at", flat=True).first()
    inbox = waiting_items(user).order_by("received_at", "pk")
    return ToDo(
        cases=mine.count(),
        overdue=mine.filter(due_date__lt=today).count(),
        due_soon=mine.filter(due_date__range=week).count(),
        unacknowledged=mine.filter(documents__direction=Direction.INCOMING)
        .exclude(documents__document_type=LETTER)
        .distinct()
        .count(),
        inbox=inbox.count(),
        oldest_inbox=inbox.values_list("received_at", flat=True).first(),
        requests=waiting.count(),
        oldest_request=oldest,
        to_approve=_to_approve(user),
        waiting_minutes=_waiting_minutes(user),
        next_meetings=_next_meetings(user),
        team=_team(user, today),
        disposal=_disposal(user),
        transfers=list(
            Transfer.objects.visible_to(user)
            .filter(status=Transfer.Status.EXPORTED)
            .select_related("authority")
            .annotate(packages=Count("cases"))
            .order_by("finished_at", "pk")
        ),
        petitions=waiting_review(user).count(),
        undescribed=undescribed(user).count(),
        expiring_keys=_expiring_keys(user),
    )


def _expiring_keys(user: Any) -> list[ApiToken]:
    """API keys, not revoked, that stop opening within KEYS_NOTICE: an integration (an
    e-service's intake) would stop registering what citizens send (OSL 5 kap. 1 §). The
    user's own, or every key for a system administrator."""
    now = timezone.now()
    keys = ApiToken.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=now + KEYS_NOTICE
    )
    if not holds_role(user, [Role.SYSADMIN]):  # the roles the menu has read already
        keys = keys.filter(user=user)
    return list(keys.select_related("user").order_by("expires_at", "pk"))


def _team(user: Any, today: datetime.date) -> list[dict[str, Any]]:
    """Open cases per officer at the authorities the user manages, the most overdue
    first; cases without an officer as one row."""
    managed = authorities_with(user, [Role.MANAGER])
    rows = (
        Case.objects.visible_to(user)
        .filter(authority__in=managed, status__in=OPEN_STATUSES)
        .values("officer__first_name", "officer__last_name", "officer__username")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("-overdue", "-open", "officer__last_name", "officer__first_name")
    )
    return [
        {
            "name": " ".join(filter(None, [r["officer__first_name"], r["officer__last_name"]]))
            or r["officer__username"],
            "open": r["open"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def _next_meetings(user: Any) -> list[Meeting]:
    """The next meetings, not cancelled, of the authorities the user is secretary for."""
    return list(
        Meeting.objects.visible_to(user)
        .filter(
            body__authority__in=authorities_with(user, [Role.SECRETARY]),
            cancelled_at__isnull=True,
            starts_at__gte=timezone.now(),
        )
        .select_related("body__authority__municipality")
        .annotate(
            without_report=Count(
                "items", filter=Q(items__case__isnull=False, items__report__isnull=True)
            )
        )
        .order_by("starts_at")[:NEXT_MEETINGS]
    )


def _waiting_minutes(user: Any) -> list[Minutes]:
    """The minutes of held meetings, of the authorities the user is secretary for, that
    the chair and the approvers have not all approved (justerat, KL 5 kap. 69 §): the
    secretary follows them up. Once approved, the notice of it is posted at once
    (kansli.meetings.actions.approval, KL 8 kap. 12 §), so none waits to be posted."""
    return list(
        Minutes.objects.filter(
            locked_at__isnull=True,
            meeting__in=Meeting.objects.visible_to(user),
            meeting__body__authority__in=authorities_with(user, [Role.SECRETARY]),
            meeting__starts_at__lte=timezone.now(),
            meeting__cancelled_at__isnull=True,
        )
        .select_related("meeting__body")
        .order_by("meeting__starts_at")[: NEXT_MEETINGS * 3]
    )


def _to_approve(user: Any) -> list[Minutes]:
    """Unapproved minutes of held meetings where the user is the presiding chair or a
    chosen approver (who may open them, kansli.meetings.views.minutes) and has not yet
    approved."""
    unapproved = (
        Minutes.objects.filter(
            locked_at__isnull=True,
            meeting__body__authority__in=authorities_with(user, [Role.ELECTED]),
            meeting__starts_at__lte=timezone.now(),
        )
        .exclude(approvals__user=user)
        .select_related("meeting__body")
        .order_by("meeting__starts_at")
    )
    return [minutes for minutes in unapproved if user.pk in approvers_of(minutes)]


def _disposal(user: Any) -> list[DisposalRun]:
    """The disposal lists where it is the user's turn: the manager's review, then
    another person's approval as archivist (kansli.retention.disposal.may_review), and
    an approved list not yet started for its authority's archivist to carry out."""
    runs = (
        DisposalRun.objects.visible_to(user)
        .filter(state__in=[RunState.MANAGER, RunState.ARCHIVIST, RunState.APPROVED])
        .select_related("authority")
        .order_by("created_at", "pk")
    )
    turn = []
    for run in runs:
        if run.state == RunState.APPROVED:
            # Started: it runs in the background (a crashed one is resumed by command).
            if run.started_at or not has_role(user, run.authority, [Role.ARCHIVIST]):
                continue
            run.to_do = "dispose"  # type: ignore[attr-defined]
        elif may_review(user, run):
            run.to_do = "review" if run.state == RunState.MANAGER else "approve"  # type: ignore[attr-defined]
        else:
            continue
        turn.append(run)
    return turn
