"""Test helpers that call the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kansli.meetings import actions
from kansli.meetings.models import Attendance, Body, Meeting, Minutes
from kansli.org.actions import do_grant_role
from kansli.org.models import Authority, ElectedPosition, Role, User
from kansli.org.testing import make_authority, make_user


def make_body(authority: Authority | None = None, **kwargs: Any) -> Body:
    authority = authority or make_authority()
    found = Body.objects.filter(authority=authority, committee=None).first()
    return found or actions.do_create_body(authority, actor=None, **kwargs)


def make_member(
    body: Body,
    position: str = ElectedPosition.MEMBER,
    valid_from: datetime.date = datetime.date(2020, 1, 1),
    **kwargs: Any,
) -> User:
    user = make_user(**kwargs)
    do_grant_role(
        user,
        Role.ELECTED,
        authority=body.authority,
        committee=body.committee,
        position=position,
        valid_from=valid_from,
        actor=None,
    )
    return user


def make_secretary(body: Body) -> User:
    return make_user(
        roles=[(Role.SECRETARY, body.authority)], first_name="Sara", last_name="Sekreterare"
    )


def make_meeting(body: Body, days_ahead: int = 30, **kwargs: Any) -> Meeting:
    starts = timezone.localtime().replace(hour=13, minute=0, second=0, microsecond=0)
    starts += datetime.timedelta(days=days_ahead)
    return actions.do_schedule_meeting(
        body, starts, kwargs.pop("place", "Sessionssalen"), actor=None
    )


def record_present(minutes: Minutes, *people: User) -> None:
    """The secretary records each of `people` present as a member, as is needed before
    they can approve."""
    for person in people:
        actions.do_record_attendance(minutes, person, Attendance.Capacity.MEMBER, actor=None)


def meeting_over(monkeypatch: Any, meeting: Meeting, hours: int = 3) -> datetime.datetime:
    """The clock put `hours` after the meeting began (pytest's monkeypatch) and the
    meeting closed then, for a test meeting scheduled ahead whose minutes are to be
    approved (approval waits for the meeting's end)."""
    moment = meeting.starts_at + datetime.timedelta(hours=hours)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    meeting.ends_at = actions.do_close_meeting(meeting, moment, actor=None).ends_at
    return moment
