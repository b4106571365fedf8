"""The officer's report (tjänsteskrivelse) while it is written: its sections, the
meeting it is meant for, the manager's approval and its Word versions. What is handed
in becomes a registered document in the case and an item on the agenda
(kansli.registry, kansli.meetings); until then it is a draft."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.meetings.models import AgendaItem, Meeting
from kansli.org.models import Authority, RoleAssignment
from kansli.registry.models import Case, Document


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: Any) -> ReportQuerySet:
        """The drafts a user may read: those of the cases the user reads, at the
        authorities the user prepares items for (officers, secretaries, managers,
        registrars); a case with secret documents only by those who read its secrets
        as a whole (its access group, a grant, its officer: kansli.access.rules). What
        is not read answers 404 like what does not exist."""
        from kansli.access.rules import PREPARING_ROLES, reader

        who = reader(user)
        if who.user_id is None:
            return self.none()
        held = RoleAssignment.objects.valid_on().filter(user=user, role__in=PREPARING_ROLES)
        cases = Case.objects.visible_to(user).filter(authority__in=held.values("authority_id"))
        secret = Document.objects.filter(voided_at=None, secrecy__isnull=False)
        reads_secrets = (
            Q(case__access_group_id__in=who.groups)
            | Q(case_id__in=who.granted_cases)
            | Q(case__officer_id=who.user_id)
        )
        return self.filter(case__in=cases).exclude(
            Q(case_id__in=secret.values("case_id")) & ~reads_secrets
        )


SECTIONS = ["summary", "background", "assessment", "consequences", "proposal"]


class ReportRules(models.Model):
    """An authority's rule for its officers' reports: whether a manager (chef) must
    approve a tjänsteskrivelse before it is handed in to a meeting. Many nämnder ask
    for it so that the förvaltning speaks with one voice; without a row nothing is
    required."""

    authority = models.OneToOneField(
        Authority, on_delete=models.PROTECT, related_name="report_rules"
    )
    requires_approval = models.BooleanField(_("manager's approval required"), default=False)

    class Meta:
        verbose_name = _("report rules")
        verbose_name_plural = _("report rules")

    def __str__(self) -> str:
        return str(self.authority)


class Status(models.TextChoices):
    DRAFT = "utkast", _("draft")
    ASKED = "for_godkannande", _("waiting for the manager's approval")
    APPROVED = "godkand", _("approved by the manager")
    RETURNED = "atervisad", _("returned")
    HANDED_IN = "inlamnad", _("handed in")


class Report(models.Model):
    """A tjänsteskrivelse being written by the officer (handläggare): heading,
    summary, background, assessment, consequences, proposed decision (förslag till
    beslut) and appendices (bilagor) chosen among the case's documents.

    A draft is not a public document (TF 2 kap. 12 §: an utkast or koncept becomes
    one only when it is registered or kept for the archive); it is therefore not
    registered and is read only by the staff preparing the authority's items. When
    it is handed in it is drawn up (upprättad) and registered in the case at once
    (OSL 5 kap. 1 §), and the registered document is what the agenda shows."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="officer_reports")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("changed"))
    heading = models.CharField(_("heading"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    consequences = models.TextField(_("consequences"), blank=True)
    proposal = models.TextField(_("proposed decision"), blank=True)
    appendices = models.ManyToManyField(Document, blank=True, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    # Raised by every change: an approval or a rendering holds for one revision only.
    revision = models.PositiveIntegerField(default=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("time of approval"), null=True, blank=True)
    comment = models.TextField(_("manager's comment"), blank=True)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="officer_report"
    )
    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_in_at = models.DateTimeField(_("handed in"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer's report")
        verbose_name_plural = _("officer's reports")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.heading

    @property
    def handed_in(self) -> bool:
        return self.status == Status.HANDED_IN


class ReportVersion(models.Model):
    """One Word (DOCX) version of a report: version 1 is the file Kansli made from the
    editor when the officer first took it to Word, each upload of the edited file the
    next one. The bytes stay (StoredFile is immutable) while the draft lives."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(_("version"))
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=255)
    added_at = models.DateTimeField(_("added"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="one_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} (v{self.version})"
