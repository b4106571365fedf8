from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.meetings.models.minutes import Paragraph

USER = settings.AUTH_USER_MODEL


class Motion(models.Model):
    """Ett yrkande: what a member moves the body to decide at a § (bifall till
    förslaget, avslag, återremiss, ändring, tillägg), in the order made (KL 5 kap. 53 §
    for fullmäktige; 6 kap. 33 § for a nämnd). The chair puts the motions to the body
    (proposition, KL 5 kap. 54 §); the adopted motion becomes the decision."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="motions")
    mover = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("motion"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    adopted = models.BooleanField(_("adopted"), default=False)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["paragraph", "position", "pk"]

    def __str__(self) -> str:
        return f"Yrkande § {self.paragraph.number}: {self.text[:60]}"


class Vote(models.Model):
    """En omröstning (votering, KL 5 kap. 55 §): the chair's proposition, yes for one
    motion and no for another, voted openly by every serving member who is not
    disqualified. With equal votes the chair has the casting vote (utslagsröst, KL 5
    kap. 57 §); a counter-proposition vote (kontrapropositionsvotering) picks the
    motion that then meets the main proposal, so a § may hold several votes, in order."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="votes")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    yes_motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    no_motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    winner = models.ForeignKey(
        Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    casting_vote = models.BooleanField(_("decided by the chair's casting vote"), default=False)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["paragraph", "position", "pk"]

    def __str__(self) -> str:
        return f"Omröstning § {self.paragraph.number}"
