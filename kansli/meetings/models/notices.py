from __future__ import annotations

import datetime
from typing import Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models.minutes import Minutes, Paragraph

_Posted = TypeVar("_Posted", bound="PostedNotice")


class NoticeQuerySet(models.QuerySet[_Posted]):
    def up_on(self, day: datetime.date) -> Self:
        """The notices on the board on a day: posted and not past the appeal period."""
        return self.filter(posted_on__lte=day, appeal_ends__gte=day)


class PostedNotice(models.Model):
    """Ett anslag på anslagstavlan: the announcement on the municipality's website that
    a decision has been approved, where the minutes are kept, and until when it can be
    appealed. Posted no later than the second day after approval (KL 8 kap. 12 §); the
    appeal period is three weeks from the day of posting (KL 13 kap. 5 §), ending on
    the next working day when it ends on a day off (Lag (1930:173)); the notice stays
    up for the whole period and comes down after it by itself. The end is stored, not
    worked out on reading: it is the date the notice announced, and the board filters
    on it."""

    posted_on = models.DateField(_("posted"))
    appeal_ends = models.DateField(_("appeal period ends"))
    kept_at = models.CharField(_("minutes kept at"), max_length=300)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-posted_on"]


class Notice(PostedNotice):
    """The notice that the minutes have been approved (KL 8 kap. 12 §)."""

    minutes = models.OneToOneField(Minutes, on_delete=models.PROTECT, related_name="notice")

    class Meta(PostedNotice.Meta):
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"Anslag {self.minutes.meeting}"


class ParagraphNotice(PostedNotice):
    """The notice of an immediately approved § (omedelbar justering, KL 5 kap. 70 §):
    posted on its own, before the rest of the minutes, and starting the § its own appeal
    period of three weeks (KL 13 kap. 5 §)."""

    paragraph = models.OneToOneField(Paragraph, on_delete=models.PROTECT, related_name="notice")

    class Meta(PostedNotice.Meta):
        verbose_name = _("notice of an immediately approved §")
        verbose_name_plural = _("notices of immediately approved §")

    def __str__(self) -> str:
        return f"Anslag § {self.paragraph.number}"


# Post to a party with protected personal data (sekretessmarkering or skyddad
# folkbokföring) goes through Skatteverket, which forwards it; their name and address
# are secret (OSL 21 kap. 3 §), so a dispatch keeps the party's reference instead.
PROTECTED_RECIPIENT = "Skyddad identitet, ref. %s"
FORWARDED_BY = "Via Skatteverket för vidarebefordran"


class Expedition(models.Model):
    """Expediering: a decision (the § as a minutes extract) sent to one of those
    concerned, by e-mail or by letter, with when and by whom. A recipient who is a
    party of the case with protected identity (skyddade personuppgifter) is marked, and
    their name and address are shown only to the case's officer and the registrars.
    The day the recipient was notified (fick del av beslutet, from which a party's
    three weeks to appeal run, FL 44 §) is the day an e-mail was sent, and for a letter
    the day it was delivered, recorded afterwards by the secretary."""

    class Method(models.TextChoices):
        EMAIL = "epost", _("e-mail")
        LETTER = "brev", _("letter")

    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="expeditions")
    recipient = models.CharField(_("recipient"), max_length=300)
    address = models.CharField(_("address"), max_length=300)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch of a decision")
        verbose_name_plural = _("dispatches of decisions")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.get_method_display()})"

    @property
    def notified_on(self) -> datetime.date | None:
        """The day the recipient was notified: an e-mail's day sent, a letter's day
        delivered (None until it is recorded)."""
        if self.method == self.Method.EMAIL:
            return timezone.localdate(self.sent_at)
        return self.delivered_on
