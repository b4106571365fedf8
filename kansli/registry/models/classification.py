from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.models.secrecy import SecrecyProvision


class Classification(models.Model):
    """A process in the classification scheme (klassificeringsstruktur), after SKR's
    KLASSA: verksamhetsområde → processgrupp → process with dotted codes such as
    "2.3.1". Each authority has its own scheme; every case is filed under one process."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="classifications"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    active = models.BooleanField(_("in use"), default=True)
    # The authority's default secrecy for the process's documents, e.g. individual
    # social-services cases: OSL 26 kap. 1 §. Applied when a document is registered in a
    # case filed here; the registrar may register it open only with a reason.
    default_secrecy = models.ForeignKey(
        SecrecyProvision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("default secrecy provision"),
    )  # fmt: skip
    # OSL 5 kap. 2 § second paragraph: with the default marking, the sender and the
    # description are left out of the public record (who applied for aid is secret).
    default_withhold_counterpart = models.BooleanField(
        _("withhold the sender or recipient by default"), default=False
    )
    default_withhold_description = models.BooleanField(
        _("withhold the description by default"), default=False
    )

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classification scheme")
        ordering = ["authority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="classification_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def level(self) -> int:
        return self.code.count(".") + 1
