"""The e-mails of förhinder, sent after the change has committed: the substitute called
and the body's secretaries. In Swedish, naming the meeting, never its items (a
non-public item's title stays out of mail). A failure to send is logged and never
undoes the report."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from kansli.meetings.models import Absence, Meeting
from kansli.org.models import Role, RoleAssignment, User

log = logging.getLogger(__name__)


def secretaries(meeting: Meeting) -> list[User]:
    """The authority's secretaries today, who run the body's meetings."""
    roles = RoleAssignment.objects.valid_on().filter(
        role=Role.SECRETARY, authority=meeting.body.authority
    )
    return [role.user for role in roles.select_related("user") if role.user.email]


def _send(subject: str, template: str, context: Mapping[str, object], to: list[User]) -> None:
    for user in to:
        text = render_to_string(f"meetings/mail/{template}", {**context, "to": user})
        try:
            send_mail(subject, text, None, [user.email])
        except OSError:
            log.exception("could not e-mail %s about an absence", user.email)


def absence_reported(absence_id: int, place_id: int | None) -> None:
    """The secretaries learn who reported förhinder and who is called (or that no
    substitute is left); the substitute called gets the call with the portal link."""
    absence = Absence.objects.select_related("meeting__body__authority", "member").get(
        pk=absence_id
    )
    meeting = absence.meeting
    places = Absence.objects.select_related("member", "substitute")
    place = None if place_id is None else places.filter(pk=place_id).first()
    context = {"meeting": meeting, "absence": absence, "place": place}
    _send(
        f"Förhinder: {meeting.body} {meeting.day:%Y-%m-%d}",
        "absence_secretary.txt",
        context,
        secretaries(meeting),
    )
    if place is not None and place.substitute is not None and place.substitute.email:
        link = settings.SITE_URL + reverse("meetings:portal")
        _send(
            f"Kallelse som ersättare: {meeting.body} {meeting.day:%Y-%m-%d}",
            "absence_substitute.txt",
            {**context, "link": link},
            [place.substitute],
        )


def absence_withdrawn(meeting_id: int, member_id: int, substitute_id: int | None) -> None:
    """The member can come after all: the substitute called is not needed, and the
    secretaries are told."""
    meeting = Meeting.objects.select_related("body__authority").get(pk=meeting_id)
    member = User.objects.get(pk=member_id)
    substitute = None if substitute_id is None else User.objects.filter(pk=substitute_id).first()
    context = {"meeting": meeting, "member": member, "substitute": substitute}
    subject = f"Förhinder återkallat: {meeting.body} {meeting.day:%Y-%m-%d}"
    _send(subject, "absence_withdrawn.txt", context, secretaries(meeting))
    if substitute is not None and substitute.email:
        _send(subject, "absence_withdrawn.txt", context, [substitute])
