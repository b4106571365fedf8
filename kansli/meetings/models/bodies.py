from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Committee, Role, RoleAssignment


def term_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The term of office (mandatperiod) that `day` falls in: four years from 15 October
    of an election year (2022, 2026, 2030, …), as for kommunfullmäktige; the boards'
    terms follow it in the demo and by default."""
    year = day.year - (day.year - 2022) % 4
    start = datetime.date(year, 10, 15)
    if day < start:
        start = datetime.date(year - 4, 10, 15)
    return start, datetime.date(start.year + 4, 10, 14)


class Body(models.Model):
    """Ett beslutande organ: the authority (fullmäktige, kommunstyrelse, nämnd) or one of
    its committees (utskott) that holds meetings. Its rules say how many working days
    before a meeting items must be in (stoppdag) and the notice sent (utskick); §
    numbers run per body and year. Its members are the elected members' roles
    (org.RoleAssignment, dated, so replacements during a term keep their history)."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="bodies")
    committee = models.OneToOneField(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="body"
    )
    item_deadline_workdays = models.PositiveSmallIntegerField(
        _("item deadline (working days before)"), default=15
    )
    dispatch_workdays = models.PositiveSmallIntegerField(
        _("dispatch (working days before)"), default=7
    )
    place = models.CharField(_("usual place"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["authority__code", "committee__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(committee__isnull=True),
                name="one_body_per_authority",
            ),
        ]

    def __str__(self) -> str:
        return str(self.committee or self.authority)

    @property
    def code(self) -> str:
        return self.committee.code if self.committee else self.authority.code

    def roles_in_term(self, day: datetime.date) -> QuerySet[RoleAssignment]:
        """Every elected role in the body during the term (mandatperiod) of `day`,
        those that ended too: a member who left and the one who took the seat."""
        start, end = term_of(day)
        roles = RoleAssignment.objects.filter(
            role=Role.ELECTED,
            authority=self.authority,
            committee=self.committee,
            valid_from__lte=end,
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        return roles.select_related("user").order_by("position", "valid_from", "user__last_name")

    def members_on(self, day: datetime.date) -> QuerySet[RoleAssignment]:
        """The elected members' roles in this body on a day (ledamöter, ersättare,
        ordförande, vice ordförande)."""
        roles = RoleAssignment.objects.valid_on(day).filter(
            role=Role.ELECTED, authority=self.authority, committee=self.committee
        )
        return roles.select_related("user").order_by("position", "user__last_name")


class GraphicProfile(models.Model):
    """The municipality's graphic profile on the notices, minutes and extracts: logo,
    colour and typeface, edited by an administrator without code."""

    municipality = models.OneToOneField(
        "org.Municipality", on_delete=models.CASCADE, related_name="graphic_profile"
    )
    logo = models.ForeignKey(
        "files.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A PNG or SVG image."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f4e79",
        validators=[RegexValidator(r"\A#[0-9a-fA-F]{6}\Z", _("A colour as #rrggbb."))],
    )
    font_family = models.CharField(
        _("typeface"),
        max_length=100,
        default="DejaVu Sans",
        validators=[RegexValidator(r"\A[\w ,\-]+\Z", _("Letters, spaces and commas only."))],
    )

    class Meta:
        verbose_name = _("graphic profile")
        verbose_name_plural = _("graphic profiles")

    def __str__(self) -> str:
        return str(self.municipality)
