from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecrecyProvision(models.Model):
    """A provision in Offentlighets- och sekretesslagen (OSL 2009:400) that a secrecy
    marking can cite, e.g. "OSL 26 kap. 1 §" (individens personliga förhållanden inom
    socialtjänsten). The list is maintained by the registrars; a provision no longer
    used is made inactive, never deleted, because old markings cite it."""

    reference = models.CharField(_("provision"), max_length=60, unique=True)
    title = models.CharField(_("what it protects"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("secrecy provision")
        verbose_name_plural = _("secrecy provisions")
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference
