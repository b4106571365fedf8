"""Disposal (gallring): the monthly list of what the plan says may now be destroyed, its
review by the owner of the process and the archivist, and the record that remains of
what was destroyed (Arkivlagen 10 §; RA-FS 1991:1 on disposal records)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.models import Document
from kansli.retention.models.plan import PlanRule


class RunState(models.TextChoices):
    MANAGER = "manager", _("awaiting the manager's review")
    ARCHIVIST = "archivist", _("awaiting the archivist's approval")
    APPROVED = "approved", _("approved, to be disposed of")
    DONE = "done", _("disposed of")
    RETURNED = "returned", _("sent back")


class DisposalRunQuerySet(models.QuerySet["DisposalRun"]):
    def visible_to(self, user: Any) -> DisposalRunQuerySet:
        """Disposal lists are read by the same people as holds (access.rules.visible_holds)."""
        from kansli.access.rules import visible_holds

        return visible_holds(self, user)


class DisposalRun(models.Model):
    """One disposal list (gallringslista) of an authority: what was due on a day, the
    items refused and why, each reviewer's decision, and once carried out the disposal
    record and the registered disposal report (gallringsprotokoll)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="disposal_runs")
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=12, choices=RunState.choices)
    created_at = models.DateTimeField(_("listed"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed by the manager"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved by the archivist"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    returned_reason = models.TextField(_("why it was sent back"), blank=True)
    started_at = models.DateTimeField(_("disposal started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("disposal finished"), null=True, blank=True)
    report = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("disposal report"),
    )  # fmt: skip

    objects = DisposalRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal run")
        verbose_name_plural = _("disposal runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.authority.code} {self.due_on:%Y-%m-%d}"


class DisposalItem(models.Model):
    """One document on a disposal list, with the rule that lets it go and the day it
    was due; or why it is refused (a hold, an open case, a pending request) or was
    excluded by a reviewer. Once disposed of, the row is the record: the document
    number, the rule and the files' SHA-256 checksums, never what the document said."""

    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("document number"), max_length=40)
    rule = models.ForeignKey(PlanRule, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    refused = models.CharField(_("refused because"), max_length=200, blank=True)
    excluded_reason = models.TextField(_("excluded because"), blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    disposed_at = models.DateTimeField(_("disposed of"), null=True, blank=True)
    files = models.PositiveIntegerField(_("files"), default=0)
    checksums = models.JSONField(_("SHA-256 of the files"), default=list)

    class Meta:
        verbose_name = _("disposal item")
        verbose_name_plural = _("disposal items")
        ordering = ["run", "document_number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "document"], name="disposal_item_once")
        ]

    def __str__(self) -> str:
        return self.document_number

    @property
    def goes(self) -> bool:
        """Whether the item is to be disposed of: neither refused nor excluded."""
        return not self.refused and not self.excluded_reason
