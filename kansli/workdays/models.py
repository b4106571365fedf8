"""Days on which a municipality's offices are closed beyond the public holidays."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Municipality


class ClosedDay(models.Model):
    """En stängd dag: a weekday on which the municipality's offices are closed although
    it is no allmän helgdag, typically a klämdag between a holiday and the weekend. It
    moves the municipality's own working-day measures, never a legal deadline."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="closed_days",
        verbose_name=_("municipality"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date"], name="closed_day_unique_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.municipality}: {self.reason}"
