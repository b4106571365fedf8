"""The municipality's case handbook (ärendehandbok): its routines, guidelines, templates
and checklists for the case process, each page kept in every version it has had."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Municipality


class DocumentType(models.TextChoices):
    ROUTINE = "rutin", _("routine")
    GUIDELINE = "riktlinje", _("guideline")
    TEMPLATE = "mall", _("template")
    CHECKLIST = "checklista", _("checklist")
    INSTRUCTION = "instruktion", _("instruction")


class Step(models.TextChoices):
    """The steps of the case process a routine may belong to."""

    POST_OPENING = "post_opening", _("post opening")
    REGISTRATION = "registration", _("registration")
    ASSIGNMENT = "assignment", _("assignment")
    PREPARATION = "preparation", _("preparation")
    MEETING = "meeting", _("meeting")
    APPROVAL = "approval", _("approval")
    PUBLICATION = "publication", _("publication")
    DISPATCH = "dispatch", _("dispatch")
    ARCHIVING = "archiving", _("archiving")


# The drafting app's template kinds a routine may point to.
TEMPLATE_KINDS = [
    "report", "acknowledgement", "notice", "minutes", "extract",
    "delegated_decision", "refusal", "cover_letter", "letter",
]  # fmt: skip


class RoutineQuerySet(models.QuerySet["Routine"]):
    def visible_to(self, user: Any) -> RoutineQuerySet:
        """Staff read every page of their municipality; everyone else (the public,
        elected members without a staff role) only the pages marked public."""
        from kansli.access.rules import reader

        municipalities = reader(user).municipalities
        if municipalities is None:
            return self
        return self.filter(Q(public=True) | Q(municipality_id__in=municipalities))

    def public(self) -> RoutineQuerySet:
        return self.filter(public=True)

    def for_step(self, step: str) -> RoutineQuerySet:
        return self.filter(steps__contains=f",{step},")


class Routine(models.Model):
    """A page of the municipality's case handbook: a routine (rutin), guideline
    (riktlinje), template (mall) or checklist, with its owner (dokumentägare), the body
    that approved it (beslutsinstans) and the date it is valid until (giltig till), as
    the Leksand handbook describes them. The fields here are the current version; every
    edit also writes a RoutineVersion so old versions stay readable."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.ROUTINE,
    )
    owner = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    approving_authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("approving authority"),
    )
    approving_body = models.CharField(_("approved by"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    public = models.BooleanField(_("public"), default=False)
    # Step keys and template kinds, comma-separated with commas at both ends
    # (",registration,dispatch,") so one step is found with a plain LIKE on any database.
    steps = models.CharField(_("process steps"), max_length=300, default=",")
    template_kinds = models.CharField(_("templates"), max_length=300, default=",")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    # The valid-until date the owner was last reminded of: one e-mail per date.
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    objects = RoutineQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("routine")
        verbose_name_plural = _("routines")

    def __str__(self) -> str:
        return self.title

    @property
    def step_list(self) -> list[str]:
        return [s for s in self.steps.split(",") if s]

    @property
    def kind_list(self) -> list[str]:
        return [k for k in self.template_kinds.split(",") if k]

    @property
    def approver(self) -> str:
        return self.approving_body or (
            str(self.approving_authority) if self.approving_authority else ""
        )


class RoutineVersion(models.Model):
    """One version of a handbook page as it was approved or edited: who wrote it and
    when, with the text and facts it had then."""

    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    facts = models.JSONField(default=dict)
    author = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["routine", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "number"], name="handbook_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.routine_id} v{self.number}"


class RegistrationRule(models.Model):
    """The municipality's rule for one document type (Sollentuna's "what is to be
    registered, and where?"): registered (diarieförs) in an authority's series, or kept
    in order otherwise so it can be found, with a short note. OSL 5 kap. 1 §: a public
    document is registered, or kept so that it can be found; one marked secret is always
    registered, whatever the rule says."""

    class Handling(models.TextChoices):
        REGISTERED = "diarieförs", _("registered")
        KEPT = "hålls ordnad", _("kept in order")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT)
    document_type = models.CharField(_("document type"), max_length=100)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("registered in the series of"),
    )
    kept_where = models.CharField(_("kept where"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["document_type"]
        verbose_name = _("registration rule")
        verbose_name_plural = _("registration rules")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "document_type"], name="handbook_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return self.document_type
