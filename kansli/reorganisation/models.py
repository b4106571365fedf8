"""Omorganisationer: a responsibility moved from one authority to another (e.g.
folkhälsa from the leisure board to the executive board) or units merged or closed,
kept as a record of what moved and what could not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Municipality, Unit
from kansli.registry.models import Case, Classification


class Reorganisation(models.Model):
    """En omorganisation: a decision by the council or a board that a group of matters
    moves from one authority to another (reglemente changed by fullmäktige, KL 3 kap.
    4 §), or that units of the staff organisation are merged or closed. It is planned
    first (what would move is shown), then carried out once; its lines are the report
    of what moved and what could not."""

    class Kind(models.TextChoices):
        RESPONSIBILITY = "responsibility", _("responsibility moved between authorities")
        UNITS = "units", _("units merged or closed")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # A responsibility: the open cases of the source authority chosen by process (and
    # everything filed under it), by responsible unit, or one by one.
    source_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("from authority"),
    )  # fmt: skip
    target_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("to authority"),
    )  # fmt: skip
    classifications = models.ManyToManyField(
        Classification, blank=True, related_name="+", verbose_name=_("processes")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    cases = models.ManyToManyField(Case, blank=True, related_name="+", verbose_name=_("cases"))
    # The receiving authority's choice: its moved cases keep their numbers (the series
    # stays the old authority's, Case.series), or each gets the next number in its own
    # series, linked to the old one (PreviousCaseNumber).
    keep_numbers = models.BooleanField(_("moved cases keep their case numbers"), default=False)
    # Units: the units in `units` end and their open cases go to this one.
    target_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("receiving unit"),
    )  # fmt: skip
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    planned_at = models.DateTimeField(_("planned"))
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    carried_out_at = models.DateTimeField(_("carried out"), null=True, blank=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-planned_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    MOVED = "moved", _("moved")
    NOT_MOVED = "not_moved", _("could not be moved")
    TO_DO = "to_do", _("to be done by the receiving side")


class Line(models.Model):
    """One line of a reorganisation's report: a case with its old and new number, an
    access group, a pre-registered item, a delegation point, a person; what happened to
    it and why."""

    class Kind(models.TextChoices):
        CASE = "case", _("case")
        ACCESS_GROUP = "access_group", _("access group")
        ACCESS = "access", _("access")
        ITEM = "item", _("agenda item")
        DELEGATION = "delegation", _("delegation point")
        OFFICER = "officer", _("officer")
        UNIT = "unit", _("unit")

    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.PROTECT, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_reference = models.CharField(_("before"), max_length=200, blank=True)
    new_reference = models.CharField(_("after"), max_length=200, blank=True)
    text = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reorganisation line")
        verbose_name_plural = _("reorganisation lines")
        ordering = ["reorganisation", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.old_reference} → {self.new_reference}"


class PreviousCaseNumber(models.Model):
    """Ett tidigare diarienummer: the number a case had in the series of the authority
    it was moved from. Never given again (the old series' counter has passed it), shown
    on the case page and found by search."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="previous_numbers")
    reference = models.CharField(_("earlier case number"), max_length=60, unique=True)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("earlier case number")
        verbose_name_plural = _("earlier case numbers")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.reference
