"""Who may read secrecy-marked documents: access groups (behörighetsgrupper), their
members, and access granted to one person for one case for a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Dated, DatedQuerySet, Unit


class AccessGroup(models.Model):
    """En behörighetsgrupp: the people who may read the secrecy-marked documents of the
    cases in it (behovsprincipen, GDPR art. 5.1 f and 32: secret information is shared
    inside an authority only with those who need it for their work). Each authority
    has a general group (no unit) and may have one per unit, e.g. HR for the personnel
    unit's cases. A case belongs to one group: by default its responsible unit's (or
    the nearest unit above it that has one), else its authority's general group."""

    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="access_groups",
        verbose_name=_("authority"),
    )  # fmt: skip
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="access_groups",
        verbose_name=_("unit"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("access group")
        verbose_name_plural = _("access groups")
        ordering = ["authority__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"], condition=Q(unit__isnull=True), name="one_general_group"
            ),
            models.UniqueConstraint(fields=["authority", "unit"], name="one_group_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.authority.code}: {self.name}"


class Membership(Dated):
    """A person's membership of a behörighetsgrupp, from one day to another. Ended,
    never deleted: who could read what, when, must stay answerable."""

    group = models.ForeignKey(AccessGroup, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_memberships"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access group membership")
        verbose_name_plural = _("access group memberships")
        ordering = ["group", "user__username", "valid_from"]

    def __str__(self) -> str:
        return f"{self.user} i {self.group}"


class Grant(Dated):
    """Access given to one person for one case's secrecy-marked documents for a period
    (e.g. a colleague covering for the officer during a leave), with the reason. It
    ends by itself on its last day."""

    case = models.ForeignKey(
        "registry.Case", on_delete=models.PROTECT, related_name="access_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["case", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.user}: {self.case_id}"
