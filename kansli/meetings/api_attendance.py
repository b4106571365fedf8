"""The attendance of a meeting in the API: read it (the body's staff) and replace it as
a whole (the body's secretary), as the attendance page does, through do_set_attendance.
404 for a meeting the caller may not see or whose minutes are not started; a bad row
answers 422 with the Swedish reason under rows.<index>, and nothing is saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema

from kansli.inputs import Id
from kansli.meetings import actions
from kansli.meetings.actions.presence import MAX_ROWS, MAX_TEXT, Row
from kansli.meetings.models import Attendance, Meeting, Minutes
from kansli.meetings.views.attendance import people_of
from kansli.org.api import ERRORS, ApiRequest

router = Router(tags=["attendance"])


class RowIn(Schema):
    capacity: Attendance.Capacity
    user_id: Id | None = Field(None, description="A user; none for a guest or official by name.")
    name: str = Field("", max_length=MAX_TEXT, description="The name of one who is not a user.")
    role_title: str = Field("", max_length=MAX_TEXT, description="Title or organisation.")
    replaces_id: Id | None = Field(None, description="The member a serving substitute serves for.")
    from_paragraph: Id | None = Field(
        None, ge=1, description="First § present; none: from the start."
    )
    to_paragraph: Id | None = Field(None, ge=1, description="Last § present; none: to the end.")


class PresidingIn(Schema):
    paragraph: Id = Field(description="The § number.")
    user_id: Id


class AttendanceIn(Schema):
    rows: list[RowIn] = Field(max_length=MAX_ROWS)
    presiding: list[PresidingIn] = Field(
        default_factory=list,
        max_length=MAX_ROWS,
        description="Who presided at a §, where not by the rules (chair, else vice chair).",
    )


class RowOut(Schema):
    capacity: str
    user_id: int | None
    name: str = Field(description="The user's full name, or the name given.")
    role_title: str
    replaces_id: int | None
    from_paragraph: int | None
    to_paragraph: int | None


class PresidingOut(Schema):
    paragraph: int
    user_id: int | None = Field(description="None: no one; the secretary must choose.")


class AttendanceOut(Schema):
    rows: list[RowOut]
    presiding: list[PresidingOut]


def _minutes(request: ApiRequest, meeting_id: int) -> Minutes:
    """The started minutes of a meeting of a body the caller works with; 404 otherwise."""
    meetings = Meeting.objects.visible_to(request.auth).filter(pk=meeting_id)
    found = Minutes.objects.filter(meeting__in=meetings).select_related("meeting__body").first()
    if found is None:
        raise Http404
    return found


def _out(minutes: Minutes) -> AttendanceOut:
    rows = minutes.attendance.select_related("user").order_by("pk")
    return AttendanceOut(
        rows=[
            RowOut(
                capacity=a.capacity,
                user_id=a.user_id,
                name=(a.user.get_full_name() or a.user.username) if a.user else a.name,
                role_title=a.role_title,
                replaces_id=a.replaces_id,
                from_paragraph=a.from_paragraph,
                to_paragraph=a.to_paragraph,
            )
            for a in rows
        ],
        presiding=[
            PresidingOut(paragraph=number, user_id=user)
            for number, user in minutes.paragraphs.values_list("number", "presiding_id")
        ],
    )


@router.get(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, **ERRORS},
    summary="Attendance of the meeting",
)
def attendance_get(request: ApiRequest, meeting_id: Id) -> AttendanceOut:
    return _out(_minutes(request, meeting_id))


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, **ERRORS},
    summary="Replace the attendance of the meeting",
)
def attendance_put(request: ApiRequest, meeting_id: Id, payload: AttendanceIn) -> AttendanceOut:
    """Every row at once: members and substitutes of the body, serving substitutes with
    whom they replace, guests and officials by user or name; several rows per person
    for several ranges of §. The presiding chair of each § follows the rules unless
    given in `presiding`."""
    minutes = _minutes(request, meeting_id)
    people, members = people_of(minutes.meeting)
    known = {user.pk: user for user in people}
    errors: dict[str, str] = {}

    def person(user_id: int | None, key: str, label: str, allowed: set[int]) -> object:
        if user_id is not None and user_id not in allowed:
            errors[key] = f"{label}: ingen sådan ledamot eller tjänsteperson (id {user_id})."
        return known.get(user_id) if user_id is not None else None

    member_ids = set(members.values_list("pk", flat=True))
    rows = [
        Row(
            capacity=row.capacity,
            user=person(row.user_id, f"rows.{i}", f"Rad {i + 1}", set(known)),
            name=row.name,
            role_title=row.role_title,
            replaces=person(row.replaces_id, f"rows.{i}", f"Rad {i + 1}", member_ids),
            from_paragraph=row.from_paragraph,
            to_paragraph=row.to_paragraph,
        )
        for i, row in enumerate(payload.rows)
    ]
    chosen = {
        p.paragraph: person(p.user_id, f"presiding.{p.paragraph}", f"§ {p.paragraph}", member_ids)
        for p in payload.presiding
    }
    if errors:
        raise ValidationError(errors)
    actions.do_set_attendance(minutes, rows, presiding=chosen, actor=request.auth)
    return _out(minutes)
