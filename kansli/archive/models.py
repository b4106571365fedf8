from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.models import Case

USER = settings.AUTH_USER_MODEL


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: Any) -> TransferQuerySet:
        from kansli.access.rules import visible_transfers

        return visible_transfers(self, user)


class Transfer(models.Model):
    """En leverans till e-arkivet: one export of an authority's cases closed before a
    day, as information packages (FGS 2.0) in a folder, and later the e-archive's
    receipt (kvittens) that it received them. Until the receipt is registered the
    cases are only exported; with it they are transferred (överlämnade, Arkivlagen
    1990:782 14 §) and the plan decides when they leave the active system."""

    class Status(models.TextChoices):
        EXPORTING = "exporteras", _("being exported")
        EXPORTED = "exporterad", _("exported")
        RECEIVED = "kvitterad", _("receipt registered")

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="transfers")
    closed_before = models.DateField(_("cases closed before"))
    folder = models.CharField(_("folder"), max_length=500)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.EXPORTING
    )
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    finished_at = models.DateTimeField(_("exported"), null=True, blank=True)
    done = models.PositiveIntegerField(_("cases handled"), default=0)
    total = models.PositiveIntegerField(_("cases"), default=0)
    size = models.PositiveBigIntegerField(_("bytes"), default=0)
    held = models.TextField(_("held cases"), blank=True)
    failed = models.TextField(_("packages that failed their checks"), blank=True)
    receipt_reference = models.CharField(_("the e-archive's receipt"), max_length=200, blank=True)
    receipt_date = models.DateField(_("receipt dated"), null=True, blank=True)
    receipt_registered_at = models.DateTimeField(_("receipt registered"), null=True, blank=True)
    receipt_registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("receipt registered by"),
    )  # fmt: skip

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer to the e-archive")
        verbose_name_plural = _("transfers to the e-archive")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Leverans {self.pk} {self.authority.code} (avslutade före {self.closed_before})"


class TransferredCase(models.Model):
    """One case's package in a transfer: its name (OBJID) and the checksum of its
    METS.xml, which the e-archive's receipt confirms. The registry keeps the case; it is
    transferred once the transfer's receipt is registered."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    package = models.CharField(_("package"), max_length=200)
    mets_sha256 = models.CharField(_("METS.xml SHA-256"), max_length=64)
    files = models.PositiveIntegerField(_("files"), default=0)
    size = models.PositiveBigIntegerField(_("bytes"), default=0)

    class Meta:
        verbose_name = _("transferred case")
        verbose_name_plural = _("transferred cases")
        constraints = [
            models.UniqueConstraint(fields=["transfer", "case"], name="one_package_per_case")
        ]

    def __str__(self) -> str:
        return self.package
