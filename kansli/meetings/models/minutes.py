from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.meetings.models.bodies import Body
from kansli.meetings.models.meetings import AgendaItem, Meeting
from kansli.org.models import User

USER = settings.AUTH_USER_MODEL


class Minutes(models.Model):
    """Ett protokoll: the record of one meeting, written by the secretary, approved
    (justerat) by the chair and the chosen approvers (KL 5 kap. 69 §, 6 kap. 30 §).
    After the last approval it is locked, kept as PDF/A and sealed with the
    municipality's signature; a later change is a visible correction of its own."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    approvers = models.ManyToManyField(User, related_name="+", verbose_name=_("approvers"))
    approval_place = models.CharField(_("approval place"), max_length=200, blank=True)
    approval_due = models.DateField(_("approval day"), null=True, blank=True)
    # Who opened the minutes: the secretary named in them, unless the attendance records
    # an official who is the body's secretary (kansli.meetings.pdf).
    secretary = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secretary"),
    )
    # E-justering: the draft released to the approvers (a PDF marked "Ej justerat"),
    # and the last reminder sent to those who have not yet approved.
    released_at = models.DateTimeField(_("draft released"), null=True, blank=True)
    draft = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    locked_at = models.DateTimeField(_("approved"), null=True, blank=True)
    sealed = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The non-public part (sekretessbilaga): the full text of the non-public items, which
    # the public part gives only by § number, neutral heading and provision. Sealed with
    # it; read only by those entitled (kansli.access.rules.may_read_secret_part).
    sealed_secret = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Minutes read in from an e-archive package (kansli.archive.importer): only these
    # take a § from another package; minutes approved here never do (KL 5 kap. 69 §).
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"Protokoll {self.meeting}"


class Attendance(models.Model):
    """Närvaro: who took part and in what capacity, and from which § to which § when
    someone came late or left early. A person may have several rows (left at § 5, came
    back at § 9, or served as substitute for part of the meeting); members who did not
    attend are listed as absent (frånvarande); guests and officials who are not users
    are named in `name`."""

    class Capacity(models.TextChoices):
        MEMBER = "ledamot", _("member")
        SUBSTITUTE = "tjanstgorande_ersattare", _("substitute serving")
        SUBSTITUTE_PRESENT = "ersattare", _("substitute present")
        OFFICIAL = "tjansteperson", _("official")
        GUEST = "ovrig", _("other present")
        ABSENT = "franvarande", _("absent")

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    role_title = models.CharField(_("title or organisation"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=30, choices=Capacity.choices)
    replaces = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("serving for"),
    )
    from_paragraph = models.PositiveIntegerField(_("from §"), null=True, blank=True)
    to_paragraph = models.PositiveIntegerField(_("to §"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="attendance_names_someone",
            )
        ]

    def __str__(self) -> str:
        who = self.user.get_full_name() if self.user else self.name
        return f"{who} ({self.get_capacity_display()})"

    def present_at(self, number: int) -> bool:
        return (self.from_paragraph or 0) <= number <= (self.to_paragraph or number)


class Outcome(models.TextChoices):
    DECIDED = "beslutat", _("decided")
    POSTPONED = "bordlagt", _("postponed")
    REFERRED_BACK = "aterremitterat", _("referred back")
    NOTED = "noterat", _("noted")


class AppealRoute(models.TextChoices):
    """How a decision is appealed: laglighetsprövning by any member of the municipality
    (KL 13 kap.), förvaltningsbesvär by a party it went against (FL 40–45 §§, when a
    special law says so), or not at all (a preparatory decision, KL 13 kap. 2 §)."""

    LEGALITY = "laglighetsprovning", _("legality review (laglighetsprövning)")
    ADMINISTRATIVE = "forvaltningsbesvar", _("administrative appeal (förvaltningsbesvär)")
    NONE = "ej_overklagbart", _("not appealable")


class ParagraphQuerySet(models.QuerySet["Paragraph"]):
    def visible_to(self, user: Any) -> ParagraphQuerySet:
        """The § the user works with as staff, a non-public item's only for those who
        read it in full (kansli.access.rules)."""
        from kansli.access.rules import visible_paragraphs

        return visible_paragraphs(self, user)


class Paragraph(models.Model):
    """En paragraf (§): one item as it was handled at the meeting. § numbers run
    without gaps per body and year; the decision text starts as the proposed decision.
    A postponed (bordlagt) or referred-back (återremitterat) item goes on."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="paragraphs")
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="paragraph")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("§"))
    decision = models.TextField(_("decision"), blank=True)
    # Beslutsmotivering: the reasons for the decision (FL 32 §), masked wherever the
    # decision is.
    reasons = models.TextField(_("reasons"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.DECIDED
    )
    note = models.TextField(_("minute note"), blank=True)
    appeal_route = models.CharField(
        _("appeal route"), max_length=20, choices=AppealRoute.choices, default=AppealRoute.LEGALITY
    )
    # Who presided at this § (the vice chair when the chair is absent or disqualified).
    presiding = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("presiding"),
    )  # fmt: skip
    # Omedelbar justering: the § approved at the meeting, on its own, so that it can be
    # acted on (and appealed, with its own notice) before the rest of the minutes.
    approved_at = models.DateTimeField(_("approved immediately"), null=True, blank=True)
    # When the secretary put the § up for immediate approval at the meeting (the body
    # decides it, KL 5 kap. 70 §); the presiding chair and the approvers then sign it.
    immediate_at = models.DateTimeField(_("marked for immediate approval"), null=True, blank=True)
    # The day an appeal of the decision came in (to the court, which tells the
    # municipality, or handed in here and sent on): an appealed decision does not gain
    # legal force until the appeal is decided.
    appealed_on = models.DateField(_("appeal received"), null=True, blank=True)
    extract = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "number"], name="unique_paragraph")
        ]

    def __str__(self) -> str:
        return f"§ {self.number} {self.item.title}"

    @property
    def lacks_reasons(self) -> bool:
        """A decision a party may appeal (förvaltningsbesvär) without reasons: FL 32 §
        wants them unless obviously needless (say, the party got all they asked), so
        Kansli warns rather than refuses."""
        return (
            self.outcome == Outcome.DECIDED
            and self.appeal_route == AppealRoute.ADMINISTRATIVE
            and not self.reasons.strip()
        )


class Conflict(models.Model):
    """Jäv: the member takes no part in this § (KL 6 kap. 28 §)."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "user"], name="one_conflict_per_member")
        ]

    def __str__(self) -> str:
        return f"Jäv: {self.user} § {self.paragraph.number}"


class Ballot(models.Model):
    """One member's vote in an open vote (omröstning, KL 5 kap. 55 §): ja, nej or
    avstår, or recorded as absent at the vote. The result is counted from the
    ballots."""

    class Choice(models.TextChoices):
        YES = "ja", _("yes")
        NO = "nej", _("no")
        ABSTAIN = "avstar", _("abstains")
        ABSENT = "franvarande", _("absent")

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="ballots")
    vote = models.ForeignKey(
        "meetings.Vote", on_delete=models.CASCADE, null=True, blank=True, related_name="ballots"
    )
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=12, choices=Choice.choices)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "user"], name="one_ballot_per_member_and_vote")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_choice_display()}"


class Dissent(models.Model):
    """En reservation: a member's dissent against the decision, with an optional
    written reason (KL 4 kap. 27 §)."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="dissents")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # The motion the member dissents in favour of (reservation till förmån för ...).
    motion = models.ForeignKey(
        "meetings.Motion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The written reason must be handed in before the minutes are approved (KL 4 kap.
    # 27 §); when it was given.
    reason = models.TextField(_("reason"), blank=True)
    reason_given_at = models.DateTimeField(_("reason given"), null=True, blank=True)

    class Meta:
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")

    def __str__(self) -> str:
        return f"Reservation: {self.user} § {self.paragraph.number}"


class Approval(models.Model):
    """One approver's justering of the minutes, with the time; each approver once."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="approvals")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"))

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [models.UniqueConstraint(fields=["minutes", "user"], name="approve_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.approved_at:%Y-%m-%d %H:%M}"


class Correction(models.Model):
    """En rättelse av ett justerat protokoll: an obvious error in an approved § (a
    misprint, a wrong amount) put right in the open. The secretary proposes the new
    text with a reason; the chair and the approvers approve it as they approved the
    minutes; then the § reads the new text, the minutes are sealed again with the
    correction shown, and the first sealed version stays as it was."""

    class Part(models.TextChoices):
        DECISION = "decision", _("the decision")
        REASONS = "reasons", _("the reasons")

    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="corrections")
    # Which text of the § is corrected: the decision or its reasons (FL 32 §).
    part = models.CharField(
        _("corrected part"), max_length=10, choices=Part.choices, default=Part.DECISION
    )
    before = models.TextField(_("text before"))
    after = models.TextField(_("text after"))
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"))
    approved_by = models.ManyToManyField(User, related_name="+", verbose_name=_("approved by"))
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    sealed = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sealed_secret = models.ForeignKey(  # the non-public part, as Minutes.sealed_secret
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["proposed_at", "pk"]

    def __str__(self) -> str:
        return f"Rättelse § {self.paragraph.number}"
