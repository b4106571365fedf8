"""Attendance as ranges (närvaro) and who presides at each §: the whole attendance of a
meeting set in one action, every row checked against the body's members on the meeting
day and against the others (no member both present and replaced, nor replaced twice, at
one §), and Paragraph.presiding filled from the rule of the rules of procedure
(reglementet): the chair, else the vice chair (KL 6 kap. 27 §, 5 kap. 11 §)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kansli.access.rules import FULL_MEMBERS, position_in
from kansli.audit.chain import record
from kansli.meetings.actions.approval import chairs_of, require_open
from kansli.meetings.models import Attendance, Minutes, Paragraph
from kansli.meetings.permissions import require_secretary
from kansli.org.models import ElectedPosition, RoleAssignment

Capacity = Attendance.Capacity
DECIDING = {Capacity.MEMBER, Capacity.SUBSTITUTE}  # they decide (tjänstgör) where present
ELECTED_ONLY = {Capacity.MEMBER, Capacity.SUBSTITUTE, Capacity.SUBSTITUTE_PRESENT, Capacity.ABSENT}
MAX_TEXT = 200
MAX_ROWS = 300


@dataclasses.dataclass
class Row:
    """One row of the attendance as a form or the API gives it."""

    capacity: str
    user: Any = None
    name: str = ""
    role_title: str = ""
    replaces: Any = None
    from_paragraph: int | None = None
    to_paragraph: int | None = None


def deciding_at(rows: Iterable[Attendance], number: int) -> list[Attendance]:
    """The rows of those who decide at § `number`: members and serving substitutes
    present at it (kansli.meetings.actions.attendance.serving reads this)."""
    return [
        row
        for row in rows
        if row.capacity in DECIDING and row.user_id is not None and row.present_at(number)
    ]


def _who(row: Row) -> str:
    if row.user is not None:
        return _name(row.user)
    return row.name.strip() or "(namn saknas)"


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def _may_attend(user: Any, minutes: Minutes) -> bool:
    """An official or guest who is a user: someone with a role in the municipality on
    the meeting day (anyone else is named, not chosen)."""
    meeting = minutes.meeting
    roles = RoleAssignment.objects.valid_on(meeting.day).filter(user=user)
    return roles.filter(authority__municipality_id=meeting.body.authority.municipality_id).exists()


def _row_problem(row: Row, minutes: Minutes, numbers: list[int]) -> str:
    """What is wrong with one row on its own, or ""."""
    meeting = minutes.meeting
    if row.capacity not in Capacity.values:
        return "välj en närvaroform"
    if row.user is None:
        if row.capacity not in (Capacity.GUEST, Capacity.OFFICIAL):
            return "välj vem (bara övriga närvarande och tjänstepersoner anges med namn)"
        if not row.name.strip():
            return "välj en person eller skriv ett namn"
    if len(row.name) > MAX_TEXT or len(row.role_title) > MAX_TEXT:
        return f"namn och titel får vara högst {MAX_TEXT} tecken"
    position = position_in(row.user, meeting.body, meeting.day) if row.user is not None else ""
    if row.capacity in ELECTED_ONLY and not position:
        return f"är inte ledamot eller ersättare i {meeting.body.code} {meeting.day:%Y-%m-%d}"
    if row.user is not None and not position and not _may_attend(row.user, minutes):
        return "hör inte till kommunen"
    # KL 5 kap. 17–20 §§, 6 kap. 11 §: a substitute decides only in an absent member's
    # place, and a member is not anyone's substitute.
    if row.capacity == Capacity.MEMBER and position == ElectedPosition.SUBSTITUTE:
        return f"är ersättare i {meeting.body.code} och tjänstgör bara för en frånvarande ledamot"
    if row.capacity == Capacity.SUBSTITUTE and position in FULL_MEMBERS:
        return f"är ledamot i {meeting.body.code}, inte ersättare"
    if row.capacity == Capacity.SUBSTITUTE:
        if row.replaces is None:
            return "ange vilken ledamot ersättaren tjänstgör för"
        if row.replaces == row.user:
            return "kan inte tjänstgöra för sig själv"
        if position_in(row.replaces, meeting.body, meeting.day) not in FULL_MEMBERS:
            return f"{_name(row.replaces)} är inte ledamot i {meeting.body.code}"
    elif row.replaces is not None:
        return "bara en tjänstgörande ersättare tjänstgör för någon"
    for value in (row.from_paragraph, row.to_paragraph):
        if value is not None and (not numbers or not numbers[0] <= value <= numbers[-1]):
            span = f"§ {numbers[0]}–{numbers[-1]}" if numbers else "inga paragrafer"
            return f"§ {value} finns inte i protokollet ({span})"
    if row.from_paragraph and row.to_paragraph and row.to_paragraph < row.from_paragraph:
        return "sista § ligger före första §"
    return ""


def _span(row: Row, numbers: list[int]) -> set[int]:
    low = row.from_paragraph or (numbers[0] if numbers else 0)
    high = row.to_paragraph or (numbers[-1] if numbers else 0)
    return {n for n in numbers if low <= n <= high}


def _clash(index: int, row: Row, rows: Sequence[Row], numbers: list[int]) -> str:
    """What row `index` collides with among the rows before it, or ""."""
    mine = _span(row, numbers)
    for other in rows[:index]:
        both = mine & _span(other, numbers)
        if row.user is not None and other.user == row.user and (both or not numbers):
            return "närvaron överlappar en annan rad för samma person"
        if not both:
            continue
        first = min(both)
        substitutes = {row.capacity, other.capacity} == {Capacity.SUBSTITUTE}
        if substitutes and other.replaces == row.replaces:
            return f"{_name(row.replaces)} ersätts redan av {_who(other)} vid § {first}"
        pairs = [(row, other), (other, row)]
        for member, substitute in pairs:
            if (
                member.capacity == Capacity.MEMBER
                and substitute.capacity == Capacity.SUBSTITUTE
                and member.user is not None
                and substitute.replaces == member.user
            ):
                who = _who(member)
                return f"{who} är närvarande och kan inte ersättas vid § {first}"
    return ""


def _check(rows: Sequence[Row], minutes: Minutes, numbers: list[int]) -> None:
    """One Swedish message per bad row, keyed rows.<index>; nothing is saved."""
    if len(rows) > MAX_ROWS:
        raise ValidationError({"rows": f"Högst {MAX_ROWS} rader."})
    errors = {}
    for index, row in enumerate(rows):
        problem = _row_problem(row, minutes, numbers) or _clash(index, row, rows, numbers)
        if problem:
            errors[f"rows.{index}"] = f"Rad {index + 1} ({_who(row)}): {problem}."
    if errors:
        raise ValidationError(errors)


def _snapshot(minutes: Minutes) -> list[dict[str, Any]]:
    return [
        {
            "user": a.user_id,
            "name": a.name,
            "role_title": a.role_title,
            "capacity": a.capacity,
            "replaces": a.replaces_id,
            "from": a.from_paragraph,
            "to": a.to_paragraph,
        }
        for a in minutes.attendance.order_by("pk")
    ]


def by_rule(
    paragraph: Paragraph, rows: Iterable[Attendance], chairs: Sequence[tuple[str, int]]
) -> int | None:
    """Who presides at the § by the rules of procedure: the body's chair when serving
    at it and not disqualified (jäv, KL 6 kap. 28 §), else the vice chair on the same
    terms (KL 6 kap. 27 §), else no one: the secretary picks."""
    conflicted = {c.user_id for c in paragraph.conflicts.all()}
    present = {a.user_id for a in deciding_at(rows, paragraph.number)} - conflicted
    return next((user for _position, user in chairs if user in present), None)


def eligible(paragraph: Paragraph, rows: Iterable[Attendance], user_id: int) -> bool:
    """Whether someone may preside at the §: serving at it and not disqualified."""
    conflicted = {c.user_id for c in paragraph.conflicts.all()}
    present = {a.user_id for a in deciding_at(rows, paragraph.number)}
    return user_id in present - conflicted


def fill_presiding(
    minutes: Minutes,
    before: Sequence[Attendance],
    chosen: Mapping[int, Any] | None = None,
) -> list[Paragraph]:
    """Set Paragraph.presiding for every § from the rule over the attendance now,
    unless chosen explicitly: in `chosen` (§ number → a serving member), or earlier (a
    presiding that differed from what the rule gave over the attendance `before`) and
    still serving. Returns the § changed."""
    rows = list(minutes.attendance.all())
    chair_ids = chairs_of(minutes)
    changed = []
    for paragraph in minutes.paragraphs.prefetch_related("conflicts"):
        old = paragraph.presiding_id
        picked = (chosen or {}).get(paragraph.number)
        if picked is not None:
            new = picked.pk
        elif (
            old is not None
            and old != by_rule(paragraph, before, chair_ids)
            and eligible(paragraph, rows, old)
        ):
            new = old
        else:
            new = by_rule(paragraph, rows, chair_ids)
        if new != old:
            paragraph.presiding_id = new
            changed.append(paragraph)
    Paragraph.objects.bulk_update(changed, ["presiding"])
    return changed


def step_down(paragraph: Paragraph, user: Any) -> None:
    """A member disqualified at a § (jäv, KL 6 kap. 28 §) does not preside there: the
    rule picks who does instead."""
    if paragraph.presiding_id == user.pk:
        rows = list(paragraph.minutes.attendance.all())
        paragraph.presiding_id = by_rule(paragraph, rows, chairs_of(paragraph.minutes))
        paragraph.save(update_fields=["presiding"])


def _check_chosen(minutes: Minutes, chosen: Mapping[int, Any], rows: list[Attendance]) -> None:
    paragraphs = {p.number: p for p in minutes.paragraphs.prefetch_related("conflicts")}
    errors = {}
    for number, person in chosen.items():
        paragraph = paragraphs.get(number)
        if paragraph is None:
            errors[f"presiding.{number}"] = f"§ {number} finns inte i protokollet."
        elif not eligible(paragraph, rows, person.pk):
            who = _name(person)
            errors[f"presiding.{number}"] = (
                f"§ {number}: {who} tjänstgör inte där eller är jävig och kan inte vara ordförande."
            )
    if errors:
        raise ValidationError(errors)


def replace_attendance(
    minutes: Minutes, rows: Sequence[Row], chosen: Mapping[int, Any] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Check and store `rows` as the whole attendance and fill the presiding per §;
    returns the attendance before and after, for the caller's audit event. Inside the
    caller's transaction, after its permission check."""
    require_open(minutes)
    numbers = list(minutes.paragraphs.order_by("number").values_list("number", flat=True))
    _check(rows, minutes, numbers)
    before_rows = list(minutes.attendance.all())
    before = _snapshot(minutes)
    minutes.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            minutes=minutes,
            user=row.user,
            name="" if row.user is not None else row.name.strip(),
            role_title=row.role_title.strip(),
            capacity=row.capacity,
            replaces=row.replaces,
            from_paragraph=row.from_paragraph,
            to_paragraph=row.to_paragraph,
        )
        for row in rows
    )
    if chosen:
        _check_chosen(minutes, chosen, list(minutes.attendance.all()))
    fill_presiding(minutes, before_rows, chosen)
    return before, _snapshot(minutes)


@transaction.atomic
def do_set_attendance(
    minutes: Minutes,
    rows: Sequence[Row],
    *,
    presiding: Mapping[int, Any] | None = None,
    actor: Any,
) -> list[Attendance]:
    """The whole attendance of the meeting in one step, as the secretary enters it:
    every row checked (one message per bad row, nothing saved), the presiding chair of
    each § filled from the rule unless chosen in `presiding` (§ number → member)."""
    require_secretary(actor, minutes.meeting.body)
    before, after = replace_attendance(minutes, rows, presiding)
    presiding_now = dict(minutes.paragraphs.values_list("number", "presiding_id"))
    record(
        actor=actor,
        action="meetings.set_attendance",
        obj=minutes,
        label=str(minutes),
        before={"attendance": before},
        after={"attendance": after, "presiding": presiding_now},
    )
    return list(minutes.attendance.all())
