"""The e-mails of an utskick, sent after its transaction has committed through Django's
mail backend; each recipient's row says whether it went. A failure is logged and marked
failed and never undoes the send (as kansli.meetings.notify)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kansli.distribution.models import Dispatch, Recipient
from kansli.files.download import handed_on
from kansli.registry.models.files import current_files

log = logging.getLogger(__name__)


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def _send(
    dispatch: Dispatch, text_of: Mapping[str, str], attachments: list[tuple[str, bytes]]
) -> None:
    """Every waiting e-mail recipient of the dispatch, one message each (a list's
    addresses are not shown to one another). `text_of`: the text by kind of
    recipient ("user" for those who log in to Kansli, "other")."""
    users = {
        m.shown_name
        for m in dispatch.dlist.members.filter(user__isnull=False).select_related("user")
    }
    for recipient in dispatch.recipients.filter(status=Recipient.Status.PENDING):
        text = text_of["user" if recipient.name in users else "other"]
        message = EmailMessage(dispatch.subject, text, None, [recipient.address])
        for name, data in attachments:
            message.attach(name, data)
        try:
            message.send()
        except OSError:
            log.exception("could not e-mail %s the %s", recipient.address, dispatch)
            status = Recipient.Status.FAILED
        else:
            status = Recipient.Status.SENT
        Recipient.objects.filter(pk=recipient.pk).update(status=status)


def send_notice(dispatch_id: int) -> None:
    """Body, day, time and place, and where the agenda is: the members' portal for
    those who log in, the notice board for others. No item is named."""
    dispatch = Dispatch.objects.select_related("meeting__body", "dlist").get(pk=dispatch_id)
    meeting = dispatch.meeting
    assert meeting is not None
    context = {"meeting": meeting, "starts": timezone.localtime(meeting.starts_at)}
    texts = {
        "user": render_to_string(
            "distribution/mail/notice.txt",
            {**context, "link": _link("meetings:portal_meeting", meeting.pk)},
        ),
        "other": render_to_string(
            "distribution/mail/notice.txt",
            {**context, "link": _link("meetings:public-meeting", meeting.pk)},
        ),
    }
    _send(dispatch, texts, [])


def send_news(dispatch_id: int) -> None:
    dispatch = Dispatch.objects.select_related("news__body", "dlist").get(pk=dispatch_id)
    item = dispatch.news
    assert item is not None
    text = render_to_string(
        "distribution/mail/news.txt", {"item": item, "link": _link("meetings:news-item", item.pk)}
    )
    _send(dispatch, {"user": text, "other": text}, [])


def send_referral(dispatch_id: int) -> None:
    """The remitted document's current files attached (a copy leaving Kansli:
    handed_on), the reply-by date and the case number to answer to."""
    dispatch = Dispatch.objects.select_related("case", "outgoing", "dlist").get(pk=dispatch_id)
    document = dispatch.document
    assert document is not None and dispatch.outgoing is not None
    files = current_files(document.files.select_related("stored"))
    attachments = [(f.name, handed_on(f.stored)) for f in files]
    text = render_to_string(
        "distribution/mail/referral.txt",
        {"dispatch": dispatch, "case": dispatch.case, "description": dispatch.outgoing.description},
    )
    _send(dispatch, {"user": text, "other": text}, attachments)


def note_decision_sent(sent_as: dict[int, int], failed: list[int]) -> None:
    """After kansli.meetings.notify sent the decision's e-mails: which of the list's
    rows went and which failed (by the expedition each row is)."""
    failed_rows = [sent_as[e] for e in failed if e in sent_as]
    pending = Recipient.objects.filter(pk__in=sent_as.values(), status=Recipient.Status.PENDING)
    pending.filter(pk__in=failed_rows).update(status=Recipient.Status.FAILED)
    pending.exclude(pk__in=failed_rows).update(status=Recipient.Status.SENT)
