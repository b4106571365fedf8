"""Messages committee administration sends, after the change has committed. A failure
to send is logged and never undoes the change."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from kansli.access.protected import NOTHING, hiders
from kansli.files.download import handed_on
from kansli.meetings import appeal
from kansli.meetings.models import Expedition, Meeting, Paragraph
from kansli.registry.models.files import current_files

log = logging.getLogger(__name__)


def notice_sent(meeting_id: int) -> None:
    """Every member and substitute of the body gets a link to the meeting in the
    member portal (the documents themselves stay behind the login)."""
    meeting = Meeting.objects.select_related("body__authority").get(pk=meeting_id)
    link = settings.SITE_URL + reverse("meetings:portal_meeting", args=[meeting.pk])
    for role in meeting.body.members_on(meeting.day):
        if not role.user.email:
            continue
        text = render_to_string(
            "meetings/mail/notice.txt", {"meeting": meeting, "member": role.user, "link": link}
        )
        try:
            send_mail(
                f"Kallelse: {meeting.body} {meeting.day:%Y-%m-%d}", text, None, [role.user.email]
            )
        except OSError:
            log.exception("could not e-mail %s the notice of %s", role.user.email, meeting)


def decision_sent(paragraph_id: int, expedition_ids: list[int]) -> list[int]:
    """The minutes extract as an attachment to each e-mail recipient; returns the
    expeditions whose e-mail failed. The subject, which
    mail servers log, names the case number and §, not the title; a non-public item's
    title is not in the message either (its public heading is), only in the extract,
    nor is the name of a party with protected identity (OSL 21 kap. 3 §)."""
    paragraph = Paragraph.objects.select_related(
        "extract", "body", "item__secrecy", "item__case__authority__municipality"
    ).get(pk=paragraph_id)
    extract = paragraph.extract
    if extract is None:
        return []
    (current,) = current_files(extract.files.all())  # an extract is drawn up as one PDF
    data = handed_on(current.stored)
    case = paragraph.item.case
    if case is None:  # a procedural § is not dispatched
        return []
    failed: list[int] = []
    hide = hiders(None, [case]).get(case.pk, NOTHING)  # for anyone outside Kansli
    appeal_text = appeal.instructions(paragraph)  # FL 33 §, as in the extract
    for expedition in Expedition.objects.filter(pk__in=expedition_ids):
        text = render_to_string(
            "meetings/mail/decision.txt",
            {
                "paragraph": paragraph,
                "recipient": expedition.recipient,
                "appeal_heading": appeal.HEADING,
                "appeal": appeal_text,
                "title": paragraph.item.public_heading
                if paragraph.item.is_secret
                else hide(paragraph.item.title),
            },
        )
        subject = f"Beslut, dnr {case.case_number} § {paragraph.number}"
        message = EmailMessage(subject, text, None, [expedition.address])
        message.attach(current.name, data, "application/pdf")
        try:
            message.send()
        except OSError:
            log.exception("could not e-mail the decision to %s", expedition.address)
            failed.append(expedition.pk)
    return failed
