"""Förhinder: an elected member reports that they cannot attend a coming meeting, and
the next substitute in order is called in their place (KL 5 kap. 17 §, 6 kap. 11 §);
the substitute and the body's secretaries are e-mailed. A report is withdrawn the same
way, until the meeting starts.

The order of the substitutes is the council's to decide (KL 5 kap. 17 §, 6 kap. 11 §):
each substitute's role holds its place in that order (RoleAssignment.call_order, set in
the administration); those without one follow in the order they took office. Kansli
holds no parties, so an order that depends on the absent member's party is not kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kansli.access.rules import FULL_MEMBERS, position_in
from kansli.audit.chain import record
from kansli.meetings import absence_mail
from kansli.meetings.models import Absence, Meeting
from kansli.org.models import ElectedPosition, Role, RoleAssignment, User

STARTED = "Sammanträdet har redan börjat: meddela sekreteraren direkt."
NOT_ELECTED = "Du är inte förtroendevald i organet."


def substitutes_in_order(meeting: Meeting) -> list[User]:
    """The body's substitutes (ersättare) on the meeting's day, in the order they are
    called: the council's order, then by the first day of their role and the order it
    was recorded."""
    body = meeting.body
    roles = RoleAssignment.objects.valid_on(meeting.day).filter(
        role=Role.ELECTED,
        authority=body.authority,
        committee=body.committee,
        position=ElectedPosition.SUBSTITUTE,
    )
    order = (F("call_order").asc(nulls_last=True), "valid_from", "pk")
    return [role.user for role in roles.select_related("user").order_by(*order)]


def next_substitute(meeting: Meeting) -> User | None:
    """The first substitute in order who has not reported absence and is not already
    called for another member; None when none is left."""
    taken = set()
    for member_id, substitute_id in meeting.absences.values_list("member_id", "substitute_id"):
        taken |= {member_id, substitute_id}
    members = {
        role.user_id
        for role in meeting.body.members_on(meeting.day).filter(position__in=FULL_MEMBERS)
    }
    free = [s for s in substitutes_in_order(meeting) if s.pk not in taken | members]
    return free[0] if free else None


def _require_coming(meeting: Meeting, actor: Any) -> str:
    """The actor's position in the body; refused when none, or when the meeting has
    started or is cancelled."""
    position = position_in(actor, meeting.body, meeting.day)
    if not position:
        raise ValidationError(NOT_ELECTED)
    if meeting.cancelled_at is not None:
        raise ValidationError("Sammanträdet är inställt.")
    if timezone.now() >= meeting.starts_at:
        raise ValidationError(STARTED)
    return position


@transaction.atomic
def do_report_absence(meeting: Meeting, *, actor: Any) -> Absence:
    """Förhinder for a coming meeting. A member's (ledamot, ordförande, vice ordförande)
    place goes to the next free substitute, who is called by e-mail; a substitute who
    was called and now cannot come is replaced by the next one the same way. The
    secretaries are told either way, and told when no substitute is left."""
    meeting = (
        Meeting.objects.select_for_update().select_related("body__authority").get(pk=meeting.pk)
    )
    position = _require_coming(meeting, actor)
    if meeting.absences.filter(member=actor).exists():
        raise ValidationError("Du har redan anmält förhinder till sammanträdet.")
    absence = Absence.objects.create(meeting=meeting, member=actor, reported_at=timezone.now())
    # The place to fill: the member's own, or the one the substitute was called to.
    covering = meeting.absences.filter(substitute=actor).first()
    place = absence if position != ElectedPosition.SUBSTITUTE else covering
    if place is not None:
        place.substitute = next_substitute(meeting)
        place.save(update_fields=["substitute"])
    record(
        actor=actor,
        action="meetings.report_absence",
        obj=meeting,
        label=str(meeting),
        after={
            "member": actor.pk,
            "replacing": place.member_id if place else None,
            "substitute": place.substitute_id if place else None,
        },
    )
    place_id = place.pk if place else None
    transaction.on_commit(lambda: absence_mail.absence_reported(absence.pk, place_id))
    return absence


@transaction.atomic
def do_withdraw_absence(meeting: Meeting, *, actor: Any) -> None:
    """The member can come after all: the report is withdrawn before the meeting
    starts. A substitute called in the member's place is told they are not needed; the
    secretaries are told."""
    meeting = (
        Meeting.objects.select_for_update().select_related("body__authority").get(pk=meeting.pk)
    )
    _require_coming(meeting, actor)
    absence = meeting.absences.filter(member=actor).first()
    if absence is None:
        raise ValidationError("Du har inte anmält förhinder till sammanträdet.")
    substitute = absence.substitute
    absence.delete()
    record(
        actor=actor,
        action="meetings.withdraw_absence",
        obj=meeting,
        label=str(meeting),
        before={"member": actor.pk, "substitute": substitute.pk if substitute else None},
    )
    substitute_id = substitute.pk if substitute else None
    transaction.on_commit(
        lambda: absence_mail.absence_withdrawn(meeting.pk, actor.pk, substitute_id)
    )
