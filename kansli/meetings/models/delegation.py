from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models.meetings import AgendaItem
from kansli.meetings.models.minutes import AppealRoute
from kansli.org.models import Authority
from kansli.registry.models import Document


class DelegationPoint(models.Model):
    """En punkt i delegationsordningen: a group of matters the board has handed to an
    officer, a chair or a committee (KL 6 kap. 37–39 §), and whether the decisions
    taken under it are reported (anmäls) to the board (KL 6 kap. 40 §)."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="delegation_points"
    )
    code = models.CharField(_("point"), max_length=20)
    title = models.CharField(_("matter"), max_length=300)
    delegate = models.CharField(_("delegate"), max_length=200)
    reported = models.BooleanField(_("reported to the board"), default=True)
    # The limits of the point: the kinds of matter (classes of the classification
    # scheme; none named means any) and the highest amount a decision may concern.
    classifications = models.ManyToManyField(
        "registry.Classification", blank=True, related_name="+", verbose_name=_("matters")
    )
    max_amount = models.DecimalField(
        _("highest amount (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # How its decisions are appealed: laglighetsprövning runs from the notice of the
    # minutes where they are reported or from their own posting; förvaltningsbesvär from
    # the day the party was notified, so posting starts nothing.
    appeal_route = models.CharField(
        _("appeal route"), max_length=20, choices=AppealRoute.choices, default=AppealRoute.LEGALITY
    )

    class Meta:
        verbose_name = _("delegation point")
        verbose_name_plural = _("delegation order")
        ordering = ["authority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="one_point_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Delegate(models.Model):
    """Who may decide under a point: the delegate (rank 1) and the substitutes in the
    order the delegation order names them (ersättare i tur och ordning), who decide only
    when those before them cannot."""

    point = models.ForeignKey(DelegationPoint, on_delete=models.CASCADE, related_name="delegates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["point", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["point", "rank"], name="one_delegate_per_rank"),
            models.UniqueConstraint(fields=["point", "user"], name="one_rank_per_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} {self.rank}: {self.user}"


class DelegatedDecision(models.Model):
    """Ett delegationsbeslut: a decision an officer took on the board's behalf under a
    point, registered as a document in its case. Reported decisions wait for the list
    of decisions reported at the next meeting; a decision under a point that is not
    reported is announced on the notice board instead (KL 8 kap. 9–13 §), so that the
    appeal period (KL 13 kap. 5 §) can run."""

    point = models.ForeignKey(DelegationPoint, on_delete=models.PROTECT, related_name="decisions")
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Set when a substitute decided because those before them could not.
    substitute_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("as substitute for"),
    )  # fmt: skip
    registered_by = models.ForeignKey(  # who typed it in, often a registrar
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    amount = models.DecimalField(
        _("amount (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    summary = models.CharField(_("decision"), max_length=500)
    reported_in = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    posted_on = models.DateField(_("posted"), null=True, blank=True)
    appeal_ends = models.DateField(_("appeal period ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegated decision")
        verbose_name_plural = _("delegated decisions")
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.point.code} {self.summary}"
