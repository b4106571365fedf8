"""The document management plan (informationshanteringsplan, dokumenthanteringsplan):
for each process of the classification scheme, the document types it holds, whether each
is registered or kept in order, and whether it is kept (bevaras) or disposed of
(gallras), when, on what medium and where. Disposal is lawful only by such a decision
(Arkivlagen 1990:782 10 §), so a plan is never changed once adopted: a later decision is
a new version, which applies from its own date, and the earlier ones stay readable."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kansli.org.models import Authority, Municipality
from kansli.registry.models import DocumentType, SecrecyProvision
from kansli.registry.models.types import fold


class Handling(models.TextChoices):
    """OSL 5 kap. 1 §: a public document is registered, or kept in order so that it can
    be found without delay; a secret one is always registered."""

    REGISTERED = "registered", _("is registered")
    KEPT_IN_ORDER = "kept_in_order", _("is kept in order")


class Outcome(models.TextChoices):
    KEEP = "keep", _("is kept")
    DISPOSE = "dispose", _("is disposed of")


class Event(models.TextChoices):
    """What the disposal period runs from."""

    CASE_CLOSED = "case_closed", _("after the case is closed")
    DOCUMENT_DATE = "document_date", _("after the document's date")
    REGISTERED = "registered", _("after registration")
    YEAR_END = "year_end", _("after the end of the document's year")
    EMPLOYMENT_ENDED = "employment_ended", _("after the employment has ended")
    OBSOLETE = "obsolete", _("when no longer needed")


class Medium(models.TextChoices):
    PAPER = "paper", _("paper")
    DIGITAL = "digital", _("digital")


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans are not secret: every signed-in member of staff of the municipality
        reads them (kansli.access.rules.visible_plans)."""
        from kansli.access.rules import visible_plans

        return visible_plans(self, user)

    def of(self, authority: Authority | None, municipality: Municipality | None = None) -> Any:
        """The versions of an authority's own plan, or with authority None the
        municipality's shared plan."""
        if authority is not None:
            return self.filter(authority=authority)
        return self.filter(authority__isnull=True, municipality=municipality)

    def in_force(
        self,
        authority: Authority | None,
        on: datetime.date | None = None,
        *,
        municipality: Municipality | None = None,
    ) -> Plan | None:
        """The plan that applies on the day (today if not given): the authority's own
        version with the latest valid_from on or before the day (of two from the same
        day, the later version), else the municipality's shared plan found the same way.
        With authority None, the shared plan of `municipality`."""
        day = on or timezone.localdate()
        if authority is not None:
            own = self.of(authority).filter(valid_from__lte=day).order_by("-valid_from", "-version")
            found = own.first()
            if found is not None:
                return found
            municipality = authority.municipality
        shared = self.of(None, municipality).filter(valid_from__lte=day)
        return shared.order_by("-valid_from", "-version").first()


class Plan(models.Model):
    """One adopted version of a plan: an authority's own (its local additions to the
    shared plan), or with no authority the one the whole municipality shares. It names
    the decision that adopted it, as the board's minutes do (KS 2026/14 § 23)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_plans",
        verbose_name=_("authority"),
        help_text=_("Empty: shared by the whole municipality."),
    )
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    adopted_by = models.CharField(_("adopted by"), max_length=200)
    decision_reference = models.CharField(_("decision"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("document management plan")
        verbose_name_plural = _("document management plans")
        ordering = ["municipality", "authority", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "version"],
                condition=Q(authority__isnull=False),
                name="retention_plan_version",
            ),
            models.UniqueConstraint(
                fields=["municipality", "version"],
                condition=Q(authority__isnull=True),
                name="retention_shared_plan_version",
            ),
        ]

    def __str__(self) -> str:
        owner = self.authority.code if self.authority else str(self.municipality)
        return f"{owner} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("An adopted plan is never changed: adopt a new version.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("An adopted plan is never deleted.")

    @property
    def owner_name(self) -> str:
        return self.authority.name if self.authority else self.municipality.name


class PlanRule(models.Model):
    """One row of a plan: a document type in a process (or in every process).

    The process is its code in the classification scheme (process_code, e.g. "2.3.1",
    with the title as the plan writes it), not a foreign key to a Classification: each
    authority has its own scheme (Classification.authority), so the shared plan, which
    serves every authority, could point at none of them, and a code outlives the rows
    of a scheme that is loaded again. classification_in(authority) finds the process in
    an authority's scheme. An empty code: the type in every process (e.g. "Kallelse").

    A rule in an authority's plan takes the place of the shared plan's rule for the same
    process and document type (effective_rules)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rules")
    position = models.PositiveIntegerField(default=0)
    process_code = models.CharField(_("process code"), max_length=20, blank=True)
    process_title = models.CharField(_("process"), max_length=300, blank=True)
    document_type = models.CharField(_("document type"), max_length=200)
    # The type in the municipality's list (registry.DocumentType), found or added by
    # name when the plan is adopted: what a registered document's kind points at.
    kind = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, null=True, blank=True, related_name="rules",
        verbose_name=_("document type in the registry"),
    )  # fmt: skip
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices)
    outcome = models.CharField(_("keep or dispose"), max_length=10, choices=Outcome.choices)
    period_years = models.PositiveSmallIntegerField(_("years"), null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    starting_event = models.CharField(
        _("counted from"), max_length=20, choices=Event.choices, blank=True
    )
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    # Leveransfrist: a kept type's documents stay in the active system this many years
    # after their case was closed once the e-archive has received them (its receipt
    # registered, kansli.archive), then leave it through the disposal lists; the
    # registration stays. Empty: they stay until a later plan says otherwise.
    transfer_years = models.PositiveSmallIntegerField(
        _("kept in the active system after transfer (years)"), null=True, blank=True
    )
    kept_where = models.CharField(_("where kept"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    secrecy = models.ForeignKey(
        SecrecyProvision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secrecy by default"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("plan rule")
        verbose_name_plural = _("plan rules")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                "plan", "process_code", Lower("document_type"), name="retention_rule_unique"
            ),
            # Kept: no period. Disposed of: a starting event, and a period unless it is
            # "vid inaktualitet".
            models.CheckConstraint(
                condition=(
                    Q(outcome="keep", starting_event="")
                    & Q(period_years__isnull=True, period_months__isnull=True)
                )
                | (
                    Q(outcome="dispose", starting_event="obsolete")
                    & Q(period_years__isnull=True, period_months__isnull=True)
                )
                | (
                    Q(outcome="dispose")
                    & ~Q(starting_event__in=["", "obsolete"])
                    & (Q(period_years__isnull=False) | Q(period_months__isnull=False))
                ),
                name="retention_rule_period",
            ),
            models.CheckConstraint(
                condition=Q(transfer_years__isnull=True) | Q(outcome="keep"),
                name="retention_rule_transfer_kept",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.process_code} " if self.process_code else ""
        return f"{where}{self.document_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("An adopted plan's rules are never changed: adopt a new version.")
        super().save(*args, **kwargs)

    @property
    def key(self) -> tuple[str, str]:
        """What a local rule overrides a shared one by: the process and the type."""
        return (self.process_code, fold(self.document_type))

    @property
    def period(self) -> str:
        """When it goes, as the plan reads: "2 år efter ärendets avslut", "vid
        inaktualitet" (in the reader's language); empty for a kept type."""
        if self.outcome != Outcome.DISPOSE:
            return ""
        parts = []
        if self.period_years or (self.period_years == 0 and not self.period_months):
            years = self.period_years
            parts.append(ngettext("%(n)d year", "%(n)d years", years) % {"n": years})
        if self.period_months:
            months = self.period_months
            parts.append(ngettext("%(n)d month", "%(n)d months", months) % {"n": months})
        return " ".join([*parts, str(self.get_starting_event_display())])

    @property
    def after_transfer(self) -> str:
        """A kept type's delivery period as the plan reads ("i verksamhetssystemet 5 år
        efter ärendets avslut, sedan i e-arkivet"); empty without one."""
        if self.transfer_years is None:
            return ""
        years = ngettext("%(n)d year", "%(n)d years", self.transfer_years) % {
            "n": self.transfer_years
        }
        text = _("in the active system %(years)s after the case is closed, then in the e-archive")
        return str(text) % {"years": years}

    def classification_in(self, authority: Authority) -> Any:
        """The process in the authority's classification scheme, or None (no code, or
        not in that scheme)."""
        if not self.process_code:
            return None
        return authority.classifications.filter(code=self.process_code).first()


def effective_rules(authority: Authority, on: datetime.date | None = None) -> list[PlanRule]:
    """The rules that apply to the authority on the day: the municipality's shared plan
    in force, with the rules of the authority's own plan in force in place of the shared
    ones for the same process and document type, and its other rules added."""
    shared = Plan.objects.in_force(None, on, municipality=authority.municipality)
    own = Plan.objects.of(authority).filter(valid_from__lte=on or timezone.localdate())
    own_plan = own.order_by("-valid_from", "-version").first()
    merged: dict[tuple[str, str], PlanRule] = {}
    for plan in [shared, own_plan]:
        if plan is not None:
            for rule in plan.rules.select_related("secrecy"):
                merged[rule.key] = rule
    return sorted(merged.values(), key=lambda r: (code_order(r.process_code), r.document_type))


def rule_for(rules: Iterable[PlanRule], process_code: str, document_type: str) -> PlanRule | None:
    """The rule for a document type in a process: the one of the most specific process
    that holds it (2.3.1 before 2.3 before 2), else the type's rule for every process."""
    wanted = fold(document_type)
    best: PlanRule | None = None
    for rule in rules:
        if fold(rule.document_type) != wanted:
            continue
        code = rule.process_code
        if code and not (process_code == code or process_code.startswith(code + ".")):
            continue
        if best is None or len(code) > len(best.process_code):
            best = rule
    return best


def code_order(code: str) -> list[int]:
    """2.10 after 2.9: numbers, not text (an empty code, every process, first)."""
    return [int(part) if part.isdigit() else 0 for part in code.split(".") if part]


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date `months` months later, or the last day of that month when it is
    shorter (EU regulation 1182/71 art. 3.2 c): 31 January + 1 month = 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def transfer_due(
    rule: PlanRule, case_closed: datetime.date | datetime.datetime | None
) -> datetime.date | None:
    """The first day a kept document may leave the active system once the e-archive has
    received it: transfer_years after its case was closed, counted as due_date counts
    (the day after the same date that many years later). None without a delivery period
    (leveransfrist) or before the case is closed."""
    if rule.outcome != Outcome.KEEP or rule.transfer_years is None or case_closed is None:
        return None
    return add_months(_day(case_closed), 12 * rule.transfer_years) + datetime.timedelta(days=1)


def due_date(
    rule: PlanRule,
    *,
    case_closed: datetime.date | datetime.datetime | None = None,
    document_date: datetime.date | datetime.datetime | None = None,
    registered: datetime.date | datetime.datetime | None = None,
    employment_ended: datetime.date | datetime.datetime | None = None,
) -> datetime.date | None:
    """The first day a document under the rule may be disposed of, or None: kept,
    "vid inaktualitet" (a person decides), or its starting event has not happened yet.

    The period (12 × years + months months) runs from the event's day and ends on the
    same date that many months later, or on the month's last day when it has no such
    date (2024-02-29 + 2 years ends 2026-02-28); the document may go the day after
    ("2 år efter": when two whole years have passed). A time counts by its day in the
    installation's time zone. Not moved for weekends: it says from when, not by when."""
    if rule.outcome != Outcome.DISPOSE or rule.starting_event == Event.OBSOLETE:
        return None
    if rule.period_years is None and rule.period_months is None:
        return None
    starts = {
        Event.CASE_CLOSED: case_closed,
        Event.DOCUMENT_DATE: document_date,
        Event.YEAR_END: document_date,
        Event.REGISTERED: registered,
        Event.EMPLOYMENT_ENDED: employment_ended,
    }
    start = starts.get(Event(rule.starting_event)) if rule.starting_event else None
    if start is None:
        return None
    day = _day(start)
    if rule.starting_event == Event.YEAR_END:
        day = datetime.date(day.year, 12, 31)
    months = 12 * (rule.period_years or 0) + (rule.period_months or 0)
    return add_months(day, months) + datetime.timedelta(days=1)
