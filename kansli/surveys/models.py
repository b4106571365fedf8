"""Enkäter: the recurring questionnaire a kansli sends to its officers (handläggare)
and elected members (förtroendevalda) about how the case process works, as Leksand's
yearly e-mail survey on tjänsteutlåtanden, kallelse and extra ärenden (seed 003)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority

SCALE = range(1, 6)  # 1 "instämmer inte alls" … 5 "instämmer helt"


class Survey(models.Model):
    """En återkommande enkät: statements on the scale 1–5 to the officers and/or the
    elected members of one authority, a new round each quarter (or year)."""

    class Recurrence(models.TextChoices):
        QUARTERLY = "kvartal", _("quarterly")
        YEARLY = "ar", _("yearly")

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    to_officers = models.BooleanField(_("to officers"), default=True)
    to_members = models.BooleanField(_("to elected members"), default=False)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    with_comment = models.BooleanField(_("free-text comment"), default=True)
    results_to_respondents = models.BooleanField(
        _("respondents may read the results"), default=False
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.QUARTERLY
    )
    window_days = models.PositiveSmallIntegerField(_("days open for answers"), default=14)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def current_statements(self) -> models.QuerySet[Statement]:
        return self.statements.filter(retired=False)


class Statement(models.Model):
    """Ett påstående the respondent agrees with from 1 to 5. Once answered it is never
    edited: a change retires it and adds a new one, asked from the next round."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="statements")
    text = models.TextField(_("statement"))
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """En omgång: the survey sent once, for one period, open for answers between two
    days. It asks the statements current when it opened."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="rounds")
    period = models.CharField(_("period"), max_length=10)  # "2026 K3" or "2026"
    period_start = models.DateField()
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    statements = models.ManyToManyField(Statement, related_name="rounds")
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "period_start"], name="one_round_a_period")
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.period}"


class Invitation(models.Model):
    """Who was asked in a round and whether they have answered: kept apart from the
    answers, with no time of answering, so an anonymous answer cannot be tied to a
    person (and a person cannot answer twice)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_invitations"
    )
    answered = models.BooleanField(default=False)
    reminded = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "user"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_invitation_a_person")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.user}"


class Response(models.Model):
    """Ett svar: one respondent's answers in a round. Its key is random and it has no
    time, so neither the key nor the row order tells who answered when; the person is
    kept only when the survey is not anonymous."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.round)  # never the person


class Answer(models.Model):
    """One statement answered 1–5, or None for "vet ej" (not counted in the average)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.statement}: {self.value or 'vet ej'}"


class FollowUp(models.Model):
    """En åtgärd: what the kansli will do about a result ("Vad ska vi göra åt det?"),
    with an owner, a due day, a status and the statements it answers."""

    class Status(models.TextChoices):
        PLANNED = "planerad", _("planned")
        ONGOING = "pagaende", _("ongoing")
        DONE = "klar", _("done")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="follow_ups")
    text = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="survey_follow_ups",
        verbose_name=_("owner"),
    )  # fmt: skip
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    statements = models.ManyToManyField(Statement, related_name="follow_ups", blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
