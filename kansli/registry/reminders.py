"""The morning e-mail to each officer about their own open cases that are overdue or
due within REMINDER_WORKDAYS working days (the day to decide by, Case.due_date; FL 9 §:
a case is handled as quickly as possible), and those on a coming meeting's agenda still
without a report whose item deadline (stoppdag) is within as many working days. Once a
day per person, for those who have not turned it off (User.case_reminders, on the start
page); `kansli remind` sends it.

The e-mail leaves Kansli: it names each case by its number, its day and a link behind
the login, never its title (a title may hold what the public diary masks)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from kansli.org.models import User
from kansli.registry.models import Case
from kansli.registry.models.cases import OPEN_STATUSES
from kansli.workdays.calendar import add_workdays
from kansli.workdays.closed import closed_days

if TYPE_CHECKING:
    from kansli.meetings.models import Meeting

REMINDER_WORKDAYS = 3
MEETINGS_AHEAD_DAYS = 60
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    person: User
    overdue: list[Case]
    due_soon: list[Case]
    # (case, meeting): on the meeting's agenda without a report, the stoppdag near.
    deadlines: list[tuple[Case, Meeting]] = field(default_factory=list)


def reminders_for(today: datetime.date) -> list[Reminder]:
    """Who is to be reminded today, and of which cases."""
    # Every municipality's closed days count as closed: in a shared installation the
    # horizon can only come later, so a case is rather reminded of a day early.
    horizon = add_workdays(today, REMINDER_WORKDAYS, closed_days(None))
    cases = (
        Case.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon, officer__isnull=False)
        .filter(officer__case_reminders=True, officer__is_active=True)
        .exclude(officer__email="")
        .exclude(officer__case_reminded_on=today)
        .select_related("officer", "authority__municipality")
        .order_by("officer_id", "due_date", "pk")
    )
    found: dict[int, Reminder] = {}
    for case in cases:
        assert case.officer is not None and case.due_date is not None
        reminder = found.setdefault(case.officer.pk, Reminder(case.officer, [], []))
        (reminder.overdue if case.due_date < today else reminder.due_soon).append(case)
    for case, meeting in _items_without_report(today, horizon):
        assert case.officer is not None
        found.setdefault(case.officer.pk, Reminder(case.officer, [], [])).deadlines.append(
            (case, meeting)
        )
    return list(found.values())


def _items_without_report(
    today: datetime.date, horizon: datetime.date
) -> list[tuple[Case, Meeting]]:
    """Open cases on the agenda of a coming meeting, not cancelled, without a report,
    whose item deadline is from today to the horizon: the officer is to hand one in.
    The stoppdag is worked out per meeting (its body's rule and closed days), so the
    meetings of the next weeks are looked at; a stoppdag is at most a few weeks ahead."""
    from kansli.meetings.models import AgendaItem

    soon = timezone.now() + datetime.timedelta(days=MEETINGS_AHEAD_DAYS)
    items = (
        AgendaItem.objects.filter(
            report__isnull=True, case__isnull=False, case__status__in=OPEN_STATUSES,
            case__officer__case_reminders=True, case__officer__is_active=True,
            meeting__cancelled_at__isnull=True, meeting__starts_at__gte=timezone.now(),
            meeting__starts_at__lte=soon,
        )
        .exclude(case__officer__email="")
        .exclude(case__officer__case_reminded_on=today)
        .select_related("case__officer", "case__authority__municipality", "meeting__body")
        .order_by("meeting__starts_at", "pk")
    )  # fmt: skip
    return [
        (item.case, item.meeting)
        for item in items
        if item.case is not None and today <= item.meeting.item_deadline <= horizon
    ]


def send(reminder: Reminder) -> None:
    """The e-mail; a failure is logged by the person's id and undoes nothing."""
    lines = ["Hej!", "", "Det här är din påminnelse från Kansli om dina ärenden.", ""]
    for heading, cases in [("Försenade", reminder.overdue),
                           ("Ska vara klara inom kort", reminder.due_soon)]:  # fmt: skip
        if cases:
            lines.append(f"{heading}:")
            lines += [f"- {c.case_number}, senast {c.due_date:%Y-%m-%d}: {_link(c)}" for c in cases]
            lines.append("")
    if reminder.deadlines:
        lines.append("Tjänsteskrivelse saknas inför sammanträdet:")
        lines += [
            f"- {c.case_number} till {m.body} {m.day:%Y-%m-%d}, stoppdag "
            f"{m.item_deadline:%Y-%m-%d}: {_link(c)}"
            for c, m in reminder.deadlines
        ]
        lines.append("")
    lines.append("Du kan stänga av påminnelserna på startsidan i Kansli.")
    subject = (
        f"Kansli: {len(reminder.overdue)} försenade ärenden, "
        f"{len(reminder.due_soon)} ska vara klara inom kort"
    )
    if reminder.deadlines:
        subject += f", {len(reminder.deadlines)} tjänsteskrivelser inför stoppdag"
    try:
        send_mail(subject, "\n".join(lines), None, [reminder.person.email])
    except OSError:
        log.exception("could not e-mail the case reminder of user %s", reminder.person.pk)


def _link(case: Case) -> str:
    return settings.SITE_URL + reverse("registry:case", args=[case.pk])
