from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Unit
from kansli.registry.models.classification import Classification


class CaseStatus(models.TextChoices):
    OPENED = "oppnat", _("opened")
    IN_PROGRESS = "under_handlaggning", _("in progress")
    DECIDED = "beslutat", _("decided")
    CLOSED = "avslutat", _("closed")
    VOIDED = "makulerat", _("voided")


# A case still to be finished: the officer's to do, the reminders.
OPEN_STATUSES = [CaseStatus.OPENED, CaseStatus.IN_PROGRESS, CaseStatus.DECIDED]

# Which status may follow which; enforced by the actions.
TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPENED: {CaseStatus.IN_PROGRESS, CaseStatus.DECIDED, CaseStatus.CLOSED,
                        CaseStatus.VOIDED},
    CaseStatus.IN_PROGRESS: {CaseStatus.DECIDED, CaseStatus.CLOSED, CaseStatus.VOIDED},
    CaseStatus.DECIDED: {CaseStatus.CLOSED, CaseStatus.IN_PROGRESS},
    CaseStatus.CLOSED: {CaseStatus.IN_PROGRESS},
    CaseStatus.VOIDED: set(),
}  # fmt: skip


class CaseCounter(models.Model):
    """The last case number given in one registry series (an authority) and year. The
    row is locked while a number is taken, so numbers come without gaps or duplicates
    even when many register at once."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="case_counter_series_year")
        ]

    def __str__(self) -> str:
        return f"{self.authority.code} {self.year}: {self.last_number}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """The cases a user may see. Every read of cases goes through here."""
        from kansli.access.rules import visible_cases

        return visible_cases(self, user)

    def numbered(self, series: str, year: int, number: int) -> CaseQuerySet:
        """The case numbered `number` of `year` in the series with code `series` (any
        letter case): the authority's own, or one a moved case kept (Case.series)."""
        own = Q(series__isnull=True, authority__code__iexact=series)
        return self.filter(own | Q(series__code__iexact=series), year=year, number=number)


class Case(models.Model):
    """Ett ärende: a matter handled by one authority, with its case number (diarienummer,
    e.g. KS 2026/142: series, year, running number — never reused, no gaps), its title
    (ärendemening), classification, responsible unit and officer, status and the day it
    should be decided by (FL 9 §: handled as simply, quickly and cheaply as possible;
    many matters have a legal time limit, e.g. PBL 9 kap. 27 § for building permits)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="cases")
    # The series the number was taken from when it is not the authority's own: a case
    # that a reorganisation moved to another authority and that kept its reference
    # (kansli.reorganisation). Numbers are unique per series and year, so a kept
    # "KS 2026/142" at KFN never collides with KFN's own 2026/142.
    series = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("series of the case number"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("case title"), max_length=500)
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("responsible unit"),
    )  # fmt: skip
    access_group = models.ForeignKey(
        "access.AccessGroup", on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases", verbose_name=_("access group"),
    )  # fmt: skip
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases", verbose_name=_("officer"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPENED
    )
    opened_at = models.DateTimeField(_("opened"))
    assigned_at = models.DateTimeField(_("officer assigned"), null=True, blank=True)
    days_to_assignment = models.PositiveIntegerField(
        _("working days to assignment"), null=True, blank=True
    )
    due_date = models.DateField(
        _("decide by"), null=True, blank=True,
        help_text=_("The day the case should be decided by (a legal time limit or the "
                    "service promise); set when the officer is assigned or later."),
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("related cases"))
    last_document_number = models.PositiveIntegerField(default=0)
    external_id = models.CharField(
        _("id in the earlier system"), max_length=100, blank=True, db_index=True
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("series", "authority"), F("year"), F("number"), name="case_number"
            ),
            models.CheckConstraint(
                condition=~Q(status="makulerat") | ~Q(void_reason=""), name="case_void_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["authority", "year", "number"], name="case_authority_number"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def series_code(self) -> str:
        """The code of the series the number belongs to (usually the authority's)."""
        return (self.series or self.authority).code

    @property
    def case_number(self) -> str:
        return self.authority.municipality.format_case_number(
            self.series_code, self.year, self.number
        )


class Party(models.Model):
    """A party (part) in a case: an applicant, the person a case concerns, a company. A
    party with protected identity (skyddade personuppgifter) is never shown with name
    or address outside the case's handling."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    name = models.CharField(_("name"), max_length=300)
    identity_number = models.CharField(
        _("personal or organisation number"), max_length=13, blank=True
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role in the case"), max_length=100, blank=True)
    protected_identity = models.BooleanField(_("protected identity"), default=False)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "pk"]
        indexes = [
            # The few parties with protected identity, read whole by the search filters.
            models.Index(
                fields=["case"], condition=Q(protected_identity=True), name="party_protected"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def post_reference(self) -> str:
        """What Kansli's lists say of a party with protected identity instead of a name
        and address (OSL 21 kap. 3 §): post to them goes through Skatteverket, which
        forwards it, and the one who sends it finds the person on the case by this."""
        return f"P{self.pk}"


class TimelineEntry(models.Model):
    """An åtgärd in a case's timeline: registered, officer assigned, document added,
    decided, closed, voided — what a reader of the case sees happen, in order."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("action"), max_length=40)
    text = models.TextField(_("description"))

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return self.text
