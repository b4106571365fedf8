"""The start of the minutes and attendance (närvaro): opening the minutes with one §
per item, numbered on per body and year, who was there in which capacity from which §
to which §, and who serves (tjänstgör) at a given §."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from kansli.access.rules import position_in
from kansli.audit.chain import record
from kansli.meetings import agenda_order
from kansli.meetings.actions.meeting_dates import require_not_cancelled
from kansli.meetings.actions.presence import Row, deciding_at, replace_attendance
from kansli.meetings.models import Attendance, Body, Meeting, Minutes, Outcome, Paragraph, Section
from kansli.meetings.permissions import require_secretary


def _next_numbers(body: Body, year: int, count: int, first: int | None) -> list[int]:
    """§ numbers continue per body and year without gaps."""
    used = Paragraph.objects.filter(body=body, year=year)
    after = used.aggregate(last=Max("number"))["last"] or 0
    start = after + 1 if first is None else first
    if first is not None and first <= after:  # after is the highest § taken
        raise ValidationError(
            {"first": f"§ {first} finns redan i {body.code} {year}; nästa lediga är § {after + 1}."}
        )
    return list(range(start, start + count))


@transaction.atomic
def do_open_minutes(
    meeting: Meeting,
    *,
    approvers: Iterable[Any],
    approval_place: str = "",
    approval_due: datetime.date | None = None,
    first: int | None = None,
    actor: Any,
) -> Minutes:
    """Start the minutes: one § per item on the agenda, a sub-item too, in the agenda's
    order (kansli.meetings.agenda_order) and numbered on from the body's last § this
    year, the decision prefilled from the proposed decision."""
    require_secretary(actor, meeting.body)
    require_not_cancelled(meeting)
    if hasattr(meeting, "minutes"):
        raise ValidationError("Protokollet är redan påbörjat.")
    approvers = list(approvers)
    for person in approvers:
        if not position_in(person, meeting.body, meeting.day):
            raise ValidationError({"approvers": f"{person.get_full_name()} är inte ledamot."})
    items = agenda_order.numbered(meeting.body, meeting.items.all())
    numbers = _next_numbers(meeting.body, meeting.day.year, len(items), first)
    minutes = Minutes.objects.create(
        meeting=meeting,
        approval_place=approval_place.strip(),
        approval_due=approval_due,
        secretary=actor,
    )
    minutes.approvers.set(approvers)
    try:
        with transaction.atomic():
            Paragraph.objects.bulk_create(
                Paragraph(
                    minutes=minutes,
                    item=item,
                    body=meeting.body,
                    year=meeting.day.year,
                    number=number,
                    decision=item.proposal,
                    outcome=Outcome.DECIDED if item.section == Section.DECISIONS else Outcome.NOTED,
                )
                for item, number in zip(items, numbers, strict=True)
            )
    except IntegrityError as exc:  # another secretary took the same § at the same time
        raise ValidationError("§-numren krockar med ett annat protokoll; försök igen.") from exc
    record(
        actor=actor,
        action="meetings.open_minutes",
        obj=minutes,
        label=str(minutes),
        after={"paragraphs": numbers, "approvers": [p.pk for p in approvers]},
    )
    return minutes


@transaction.atomic
def do_record_attendance(
    minutes: Minutes,
    user: Any,
    capacity: str,
    *,
    replaces: Any = None,
    from_paragraph: int | None = None,
    to_paragraph: int | None = None,
    actor: Any,
) -> Attendance:
    """One person's attendance in one range, in place of any rows they had; the rest
    of the attendance stays, and everything is checked as do_set_attendance checks it."""
    require_secretary(actor, minutes.meeting.body)
    others = [
        Row(
            capacity=a.capacity,
            user=a.user,
            name=a.name,
            role_title=a.role_title,
            replaces=a.replaces,
            from_paragraph=a.from_paragraph,
            to_paragraph=a.to_paragraph,
        )
        for a in minutes.attendance.select_related("user", "replaces").exclude(user=user)
    ]
    mine = Row(capacity, user, replaces=replaces, from_paragraph=from_paragraph,
               to_paragraph=to_paragraph)  # fmt: skip
    replace_attendance(minutes, [*others, mine])
    record(
        actor=actor,
        action="meetings.record_attendance",
        obj=minutes,
        label=str(minutes),
        after={"user": user.pk, "capacity": capacity, "from": from_paragraph, "to": to_paragraph},
    )
    return minutes.attendance.get(user=user)


def serving(minutes: Minutes, number: int) -> dict[int, Attendance]:
    """The members who decide at § `number`: members and serving substitutes present."""
    return {a.user_id: a for a in deciding_at(minutes.attendance.all(), number) if a.user_id}
