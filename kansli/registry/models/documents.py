from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.registry.models.cases import Case
from kansli.registry.models.secrecy import SecrecyProvision
from kansli.registry.models.types import DocumentType


def document_number(case_number: str, number: int) -> str:
    """A document's number: its case's number and its place in the case (KS 2026/12-3)."""
    return f"{case_number}-{number}"


class Direction(models.TextChoices):
    INCOMING = "inkommen", _("incoming")
    DRAWN_UP = "upprattad", _("drawn up")
    OUTGOING = "utgaende", _("outgoing")
    MEMO = "pm", _("internal memo")


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        """The registrations a user may see. Every read of documents goes through here."""
        from kansli.access.rules import visible_documents

        return visible_documents(self, user)


class Document(models.Model):
    """En registrerad handling: a public document entered in the registry (diariet) as
    soon as it came in or was drawn up (OSL 5 kap. 1 §), numbered within its case
    (KS 2026/142-3). The registration shows what OSL 5 kap. 2 § asks: the date, the
    number, the sender or recipient and in short what it concerns. A registration is
    never deleted: it is corrected (keeping every earlier value) or voided."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    number = models.PositiveIntegerField(_("document number"))
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    document_date = models.DateField(_("date received or drawn up"))
    registered_at = models.DateTimeField(_("registered"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    counterpart = models.CharField(_("sender or recipient"), max_length=300, blank=True)
    counterpart_address = models.TextField(_("address"), blank=True)
    # A private person's name is left out of the public diary where the authority
    # chooses so (public.DiaryPolicy); an organisation's or authority's is not.
    counterpart_is_private = models.BooleanField(
        _("sender/recipient is a private person"), default=False
    )
    description = models.CharField(_("description"), max_length=500)
    # The type as registered (the search filters, the naming rules, the public diary and
    # the API read this text) and, where the plan names it, the type itself: the two are
    # kept in step by the actions. No kind: registered before a plan was in force, or a
    # type no plan names (`kansli retention link-types` reports those).
    document_type = models.CharField(_("document type"), max_length=100, blank=True)
    kind = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, null=True, blank=True,
        related_name="documents", verbose_name=_("document type in the plan"),
    )  # fmt: skip
    registration_lag = models.PositiveIntegerField(
        _("working days from arrival to registration"), null=True, blank=True
    )

    # Secrecy marking, OSL 5 kap. 5 §: the provision, the date and who made it (no user:
    # made by the system, in an import from an earlier registry).
    secrecy = models.ForeignKey(
        SecrecyProvision, on_delete=models.PROTECT, null=True, blank=True,
        related_name="documents", verbose_name=_("secrecy provision"),
    )  # fmt: skip
    secrecy_marked_at = models.DateTimeField(_("secrecy marked"), null=True, blank=True)
    secrecy_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Why the marking was made when it was not chosen by hand: the process's default or
    # the documents a document drawn up by Kansli was made from.
    secrecy_basis = models.CharField(_("basis of the secrecy marking"), max_length=200, blank=True)
    # OSL 5 kap. 2 § second paragraph: left out of the public record where needed.
    withhold_counterpart = models.BooleanField(_("withhold sender/recipient"), default=False)
    withhold_description = models.BooleanField(_("withhold description"), default=False)

    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    external_id = models.CharField(
        _("id in the earlier system"), max_length=100, blank=True, db_index=True
    )
    # Disposed of (gallrad) under the document management plan (kansli.retention): its
    # files, text and personal data are gone; the registration stays, saying that the
    # document existed and when it was disposed of (Arkivlagen 10 §).
    disposed_at = models.DateTimeField(_("disposed of"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="document_number"),
            models.CheckConstraint(
                condition=Q(secrecy__isnull=True) | Q(secrecy_marked_at__isnull=False),
                name="document_secrecy_marking_complete",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="document_void_reason",
            ),
        ]
        indexes = [models.Index(fields=["registered_at"])]

    def __str__(self) -> str:
        return f"{self.document_number} {self.description}"

    @property
    def document_number(self) -> str:
        return document_number(self.case.case_number, self.number)

    @property
    def is_secret(self) -> bool:
        return self.secrecy_id is not None

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_disposed(self) -> bool:
        return self.disposed_at is not None


class DocumentCorrection(models.Model):
    """A correction of a registration: the values before and after and why. The
    registry keeps every earlier value so that what was registered can always be read."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="corrections")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("before"), encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["document", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.at:%Y-%m-%d %H:%M}"
