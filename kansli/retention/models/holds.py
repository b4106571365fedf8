"""Legal holds (bevarandebeslut i avvaktan på tvist, granskning eller utredning): material
that must not be disposed of, voided or transferred while a dispute, an inquiry or an
audit needs it, whatever the plan says."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.models import Case, Document


class HoldQuerySet(models.QuerySet["Hold"]):
    def active(self) -> HoldQuerySet:
        return self.filter(lifted_at__isnull=True)

    def visible_to(self, user: Any) -> HoldQuerySet:
        """Holds are read by the archivists, registrars and managers of the authority
        (kansli.access.rules.visible_holds)."""
        from kansli.access.rules import visible_holds

        return visible_holds(self, user)


class Hold(models.Model):
    """A legal hold put by the archivist or a lawyer, with its reason: on cases, on
    documents (a search result) or on everything with a counterpart's name. Lifting it
    keeps the row, who lifted it and why."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="holds")
    reason = models.TextField(_("reason"), max_length=2000)
    cases = models.ManyToManyField(Case, blank=True, related_name="holds")
    documents = models.ManyToManyField(Document, blank=True, related_name="holds")
    counterpart = models.CharField(_("counterpart"), max_length=300, blank=True)
    placed_at = models.DateTimeField(_("placed"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="hold_lift_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority.code} {self.placed_at:%Y-%m-%d}: {self.reason[:60]}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
