"""The e-mail that tells the members a meeting is cancelled (inställt sammanträde),
sent after the change has committed; a failure to send is logged and never undoes it."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

from kansli.meetings.models import Absence, Meeting
from kansli.org.models import ElectedPosition

log = logging.getLogger(__name__)


def meeting_cancelled(meeting_id: int) -> None:
    """Each member (the chair and vice chair too) and each substitute called in to
    serve for a member who reported absence; substitutes not called were never asked
    to come."""
    meeting = Meeting.objects.select_related("body__authority").get(pk=meeting_id)
    roles = meeting.body.members_on(meeting.day).exclude(position=ElectedPosition.SUBSTITUTE)
    people = [role.user for role in roles]
    called = Absence.objects.filter(meeting=meeting, substitute__isnull=False)
    people += [a.substitute for a in called.select_related("substitute") if a.substitute]
    for person in {p.pk: p for p in people if p.email}.values():
        text = render_to_string(
            "meetings/mail/cancelled.txt", {"meeting": meeting, "member": person}
        )
        try:
            send_mail(
                f"Inställt sammanträde: {meeting.body} {meeting.day:%Y-%m-%d}",
                text,
                None,
                [person.email],
            )
        except OSError:
            log.exception("could not e-mail %s that %s is cancelled", person.email, meeting)
