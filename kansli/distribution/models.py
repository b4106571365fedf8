"""Sändlistor: the named lists of recipients a municipality sends to (a body's members
and substitutes, the remissinstanser of a sector, all officers), and the record of each
send to one (utskick) with a row per recipient and the channel used."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "epost", _("e-mail")
    LETTER = "brev", _("letter")
    PORTAL = "portal", _("members' portal")


class ListQuerySet(QuerySet["DistributionList"]):
    def visible_to(self, user: Any) -> ListQuerySet:
        """Lists are read by the staff of the municipality (they hold addresses of
        organisations and colleagues, nothing secret); a system administrator reads all."""
        from kansli.access.rules import employed_in
        from kansli.org.permissions import is_sysadmin

        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if is_sysadmin(user):
            return self.all()
        municipalities = employed_in(user).values("municipality_id")
        return self.filter(municipality_id__in=municipalities)


class DistributionList(models.Model):
    """En sändlista: a named list of recipients kept by one authority (nämnden's
    remissinstanser) or shared across the municipality (authority empty). A list that has
    been sent to is never deleted, only closed: its utskick point to it."""

    municipality = models.ForeignKey(
        "org.Municipality", on_delete=models.PROTECT, related_name="distribution_lists"
    )
    authority = models.ForeignKey(
        "org.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution_lists",
        help_text=_("Empty: shared across the municipality."),
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ListQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A recipient on a sändlista: a user (a member or an employee), an authority (its
    registry's address), or someone outside (a remissinstans: name, organisation, e-mail
    and/or postal address), with the channel they are to be reached by."""

    class Kind(models.TextChoices):
        USER = "anvandare", _("user")
        AUTHORITY = "myndighet", _("authority")
        EXTERNAL = "extern", _("external recipient")

    dlist = models.ForeignKey(DistributionList, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authority = models.ForeignKey(
        "org.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.username
        if self.authority is not None:
            return self.authority.name
        if self.organisation and self.name:
            return f"{self.name}, {self.organisation}"
        return self.name or self.organisation

    @property
    def address(self) -> str:
        """The address the channel uses."""
        if self.channel == Channel.PORTAL:
            return ""
        if self.user is not None:
            return self.user.email if self.channel == Channel.EMAIL else self.postal_address
        return self.email if self.channel == Channel.EMAIL else self.postal_address


class DispatchQuerySet(QuerySet["Dispatch"]):
    def visible_to(self, user: Any) -> DispatchQuerySet:
        """Through the gate: a send about a case is read by those who read the case, one
        about a meeting or a news item by those who read it; anyone else gets 404."""
        from kansli.meetings.models import Meeting, NewsItem, Paragraph
        from kansli.registry.models import Case

        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        cases = Case.objects.visible_to(user).values("pk")
        meetings = Meeting.objects.visible_to(user).values("pk")
        news = NewsItem.objects.visible_to(user).values("pk")
        paragraphs = Paragraph.objects.visible_to(user).filter(item__case__in=cases).values("pk")
        return self.filter(
            # A decision's send names its case too: the §'s gate decides (a non-public
            # item's decision is not read by all who read the case).
            Q(case__in=cases, paragraph__isnull=True)
            | Q(paragraph__in=paragraphs)
            | Q(meeting__in=meetings, case__isnull=True, paragraph__isnull=True)
            | Q(news__in=news)
        )


class Dispatch(models.Model):
    """Ett utskick till en sändlista: what was sent (a notice, a decision, a remiss, a
    snabbnytt), when and by whom, to which list under the name it had then; the
    recipients as they were then are its rows."""

    class Purpose(models.TextChoices):
        NOTICE = "kallelse", _("notice of a meeting")
        DECISION = "beslut", _("dispatch of a decision")
        REFERRAL = "remiss", _("referral for comment")
        NEWS = "snabbnytt", _("news item")

    dlist = models.ForeignKey(DistributionList, on_delete=models.PROTECT, related_name="dispatches")
    list_name = models.CharField(_("list"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    subject = models.CharField(_("subject"), max_length=300)
    case = models.ForeignKey(
        "registry.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "registry.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The document sent (a remiss)."),
    )
    outgoing = models.ForeignKey(
        "registry.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The outgoing document registered for the send (a remiss)."),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paragraph = models.ForeignKey(
        "meetings.Paragraph", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    news = models.ForeignKey(
        "meetings.NewsItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.subject}"


class Recipient(models.Model):
    """One recipient of an utskick as sent: the name as shown then, the address used, the
    channel, and whether the e-mail went (a letter is listed for printing, the portal
    shows it at login). A party with protected identity is kept by reference only, with
    Skatteverket's forwarding as the address (OSL 21 kap. 3 §)."""

    class Status(models.TextChoices):
        PENDING = "vantar", _("waiting to be sent")
        SENT = "skickad", _("sent")
        FAILED = "misslyckad", _("failed")
        TO_PRINT = "att_skriva_ut", _("to be printed and posted")
        IN_PORTAL = "i_portalen", _("in the members' portal")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField(_("name"), max_length=300)
    address = models.TextField(_("address"), blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices)
    protected_identity = models.BooleanField(default=False)
    answer = models.ForeignKey(
        "registry.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The answer to a remiss, registered in the case."),
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
