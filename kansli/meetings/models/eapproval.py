from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models.minutes import Minutes, Paragraph

USER = settings.AUTH_USER_MODEL


class ApprovalComment(models.Model):
    """A comment by an approver on the released draft (e-justering), on one § or on
    the minutes as a whole, and the secretary's answer. Part of the working material of
    the approval, kept with the minutes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    written_at = models.DateTimeField(_("written"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval comment")
        verbose_name_plural = _("approval comments")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        where = f"§ {self.paragraph.number}" if self.paragraph else str(self.minutes)
        return f"{self.author} om {where}"


class ParagraphApproval(models.Model):
    """One signature in the immediate approval (omedelbar justering) of a single § at
    the meeting, by the presiding chair and the chosen approvers (KL 5 kap. 70 §)."""

    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.PROTECT, related_name="immediate_approvals"
    )
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"))

    class Meta:
        verbose_name = _("immediate approval")
        verbose_name_plural = _("immediate approvals")
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "user"], name="approve_paragraph_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} § {self.paragraph.number} {self.approved_at:%Y-%m-%d %H:%M}"


class Appendix(models.Model):
    """En bilaga till protokollet: numbered from 1 in each minutes and referred to from
    the § it belongs to ("Bilaga 2"); usually a document of the case."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="appendices")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="appendices"
    )
    number = models.PositiveSmallIntegerField(_("appendix"))
    title = models.CharField(_("title"), max_length=300)
    document = models.ForeignKey(
        "registry.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("appendix")
        verbose_name_plural = _("appendices")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="one_appendix_per_number")
        ]

    def __str__(self) -> str:
        return f"Bilaga {self.number} {self.title}"
