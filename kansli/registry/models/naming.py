from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class NamingRule(models.Model):
    """The municipality's rule for how a document of one type is described in the
    diary (standardiserad namngivning), e.g. "Yttrande – {ämne} – {motpart}": the
    registrar is offered the pattern when registering such a document and warned when
    the description does not begin as it does. The same words for the same kind of
    document make the diary searchable, for staff and for the public alike."""

    document_type = models.CharField(_("document type"), max_length=100)
    pattern = models.CharField(
        _("pattern"),
        max_length=300,
        help_text=_("Fixed words, and what the registrar fills in within braces: "
                    "Yttrande – {ämne} – {motpart}."),
    )  # fmt: skip
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("naming rule")
        verbose_name_plural = _("naming rules")
        ordering = ["document_type"]
        constraints = [
            models.UniqueConstraint(
                Lower("document_type"),
                name="naming_rule_one_per_type",
                violation_error_message="Det finns redan en namnregel för den handlingstypen.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type}: {self.pattern}"

    @property
    def fixed_start(self) -> str:
        """The pattern's words before its first field ("Yttrande – ")."""
        return self.pattern.split("{", 1)[0]
