from __future__ import annotations

import datetime
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.meetings.models.bodies import Body
from kansli.registry.models import Case, Document, SecrecyProvision
from kansli.workdays.calendar import add_workdays
from kansli.workdays.closed import closed_between

NEUTRAL_HEADING = "Ärende som omfattas av sekretess"


def public_heading(public_title: str, provision: object) -> str:
    """The heading of a non-public item where those not entitled read it: neutral, with
    the provision, and nothing that identifies anyone."""
    return f"{public_title or NEUTRAL_HEADING} ({provision})"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: Any) -> MeetingQuerySet:
        """The meetings the user works with as staff (kansli.access.rules)."""
        from kansli.access.rules import visible_meetings

        return visible_meetings(self, user)


class Meeting(models.Model):
    """Ett sammanträde: one meeting of a body on a day, at a time and place. The item
    deadline (stoppdag) and the dispatch day (utskick) follow from the body's rules
    counted in working days; the notice with the agenda (kallelse med
    föredragningslista) is sent to the members on dispatch (KL 6 kap. 20 §)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200)
    # A meeting may run over several days (a council's budget meeting): it ends on the
    # day of ends_at. Set when the meeting is closed; approval waits for it (KL 5 kap.
    # 69 §: the minutes are approved after the meeting).
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    # Inställt sammanträde: the meeting is called off; the members and the notice board
    # are told, and the meeting stays in the list marked as cancelled.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    notice = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pack = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.body.code} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @cached_property
    def closed_days(self) -> set[datetime.date]:
        """The municipality's own closed days (klämdagar) in the four months before the
        meeting: the deadlines count its working days, as the registry does."""
        first = self.day - datetime.timedelta(days=120)
        return closed_between(self.body.authority.municipality_id, first, self.day)

    @cached_property
    def item_deadline(self) -> datetime.date:
        """Stoppdag: the last day an officer may pre-register an item."""
        return add_workdays(self.day, -self.body.item_deadline_workdays, self.closed_days)

    @cached_property
    def dispatch_day(self) -> datetime.date:
        """Utskick: the day the notice and documents go to the members."""
        return add_workdays(self.day, -self.body.dispatch_workdays, self.closed_days)


class Section(models.TextChoices):
    PROCEDURE = "formalia", _("procedural items")
    DECISIONS = "beslut", _("matters for decision")
    INFORMATION = "information", _("information")
    DELEGATION = "delegation", _("delegated decisions reported")
    REPORTS = "anmalan", _("matters reported")


class AgendaItem(models.Model):
    """Ett ärende på föredragningslistan: a case an officer has pre-registered
    (föranmält) for a meeting, with the officer's report (tjänsteskrivelse, registered
    as a document in the case) and the proposed decision (förslag till beslut). The
    secretary orders the items into sections; items pre-registered after the item
    deadline or added after dispatch (extra ärenden) are marked. A procedural item
    (mötets öppnande, val av justerare, godkännande av dagordningen, information) has
    no case; a sub-item (underpunkt, 5 a) hangs under its parent item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subitems",
        verbose_name=_("sub-item of"),
    )
    # The reference the item is known by when it is not the case number: another
    # body's number for a matter referred here, or a procedural item's own label.
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    rapporteur = models.CharField(  # föredragande: who presents the item at the meeting
        _("rapporteur"), max_length=200, blank=True
    )
    section = models.CharField(
        _("section"), max_length=20, choices=Section.choices, default=Section.DECISIONS
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=500)
    report = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer's report"),
    )
    attachments = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("attachments")
    )
    proposal = models.TextField(_("proposed decision"), blank=True)
    preregistered_at = models.DateTimeField(_("pre-registered"))
    preregistered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incomplete_at_dispatch = models.BooleanField(
        _("incomplete at dispatch"),
        null=True,
        blank=True,
        help_text=_("Set when the notice is first sent: whether the item lacked something."),
    )
    # A non-public item: it holds secret content (OSL) and is dealt with behind closed
    # doors (KL 5 kap. 40 § for fullmäktige; a nämnd meets behind closed doors anyway,
    # KL 6 kap. 25 §). What is made for a wider audience (the notice, the pack, the
    # public part of the minutes, the notice board, the public pages) shows only the §
    # number, the neutral heading and the provision; the full text is in the minutes'
    # non-public part (Minutes.sealed_secret).
    secrecy = models.ForeignKey(
        SecrecyProvision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("secrecy provision"),
    )  # fmt: skip
    public_title = models.CharField(_("neutral heading"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_secret(self) -> bool:
        return self.secrecy_id is not None

    @property
    def public_heading(self) -> str:
        return public_heading(self.public_title, self.secrecy)

    @property
    def late(self) -> bool:
        return is_late(self.preregistered_at, self.meeting)

    @property
    def extra(self) -> bool:
        return is_extra(self.preregistered_at, self.meeting)

    @property
    def is_procedural(self) -> bool:
        """A procedural item (formalia): it has no case (kansli.meetings.procedural)."""
        return self.case_id is None

    @property
    def case_number(self) -> str:
        """The number the item is known by: the case's, else its own reference."""
        return self.case.case_number if self.case is not None else self.reference

    @property
    def missing(self) -> list[str]:
        """What the item lacks for dispatch, in Swedish; a procedural item lacks
        nothing (no officer prepares it)."""
        if self.is_procedural:
            return []
        return lacking(self.report_id, self.proposal, self.section)


def is_late(preregistered_at: datetime.datetime, meeting: Meeting) -> bool:
    """Pre-registered after the meeting's item deadline (stoppdag)."""
    return timezone.localdate(preregistered_at) > meeting.item_deadline


def is_extra(preregistered_at: datetime.datetime, meeting: Meeting) -> bool:
    """Added after the notice first went out (extra ärende)."""
    sent = meeting.dispatched_at
    return sent is not None and preregistered_at > sent


def lacking(report_id: int | None, proposal: str, section: str) -> list[str]:
    """What an item lacks for dispatch: the officer's report, and for a matter for
    decision the proposed decision."""
    lacks = []
    if report_id is None:
        lacks.append("tjänsteskrivelse")
    if not proposal.strip() and section == Section.DECISIONS:
        lacks.append("förslag till beslut")
    return lacks


class Absence(models.Model):
    """Förhinder: a member reports that they cannot attend a meeting. The next
    substitute in order (KL 5 kap. 17 §, 6 kap. 11 §; the council's order) is called
    in their place and the secretary is told."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="absences")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported"))
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("substitute called"),
    )

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_absence_per_member")
        ]

    def __str__(self) -> str:
        return f"Förhinder {self.member} {self.meeting}"


class Opening(models.Model):
    """When a member first opened a meeting's documents (Leksand's measure: how many
    days before the meeting the members read)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="openings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_opened_at = models.DateTimeField(_("first opened"))

    class Meta:
        verbose_name = _("first opening")
        verbose_name_plural = _("first openings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_opening_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.meeting} {self.first_opened_at:%Y-%m-%d}"


class PrivateNote(models.Model):
    """A member's own note on a meeting document: read by no one else, not even an
    administrator's pages (it is the member's working material, not a public document
    until it is handed to someone)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("note"))
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document"], name="one_note_per_member_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.document}"
