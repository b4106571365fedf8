"""E-mail of e-justering, sent after the change has committed: the draft released (or
released again) and the reminder. Each names the body and the meeting's day and links
to the draft behind the login; never an item's title, and never the PDF itself (the
draft may hold a non-public part). A failure to send is logged and undoes nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from kansli.meetings.actions.approval import approvers_of
from kansli.meetings.models import Minutes
from kansli.org.models import User

log = logging.getLogger(__name__)


def draft_released(minutes_id: int, *, again: bool) -> None:
    """The chair and every approver get a link to the draft."""
    minutes = Minutes.objects.select_related("meeting__body").get(pk=minutes_id)
    subject = "Nytt utkast till protokoll" if again else "Protokoll att justera"
    _send(minutes, approvers_of(minutes), subject, {"again": again})


def reminder(minutes_id: int, user_ids: list[int]) -> None:
    """Those who have not approved are reminded of the approval day."""
    minutes = Minutes.objects.select_related("meeting__body").get(pk=minutes_id)
    _send(minutes, set(user_ids), "Påminnelse: protokoll att justera", {"reminder": True})


def _send(minutes: Minutes, user_ids: set[int], subject: str, extra: dict[str, bool]) -> None:
    meeting = minutes.meeting
    link = settings.SITE_URL + reverse("meetings:draft", args=[meeting.pk])
    for person in User.objects.filter(pk__in=user_ids).exclude(email=""):
        text = render_to_string(
            "meetings/mail/draft.txt",
            {"meeting": meeting, "minutes": minutes, "person": person, "link": link, **extra},
        )
        try:
            send_mail(
                f"{subject}: {meeting.body} {meeting.day:%Y-%m-%d}", text, None, [person.email]
            )
        except OSError:
            log.exception("could not e-mail %s the draft of %s", person.email, minutes)
