from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Committee, Role, RoleAssignment

FIRST_ELECTION = 2022  # general elections every fourth year since then: 2026, 2030, …


def term_of(
    day: datetime.date, start_month: int = 10, start_day: int = 15
) -> tuple[datetime.date, datetime.date]:
    """The term of office (mandatperiod) that `day` falls in, first and last day.

    The general elections are held every fourth year on the second Sunday of September
    (vallagen 2005:837), and a term begins on the first (`start_month`, `start_day`)
    after one: 15 October of the election year for kommunfullmäktige (KL 5 kap. 9 §),
    1 January the year after for kommunstyrelsen (KL 6 kap. 18 §); for the other
    nämnder fullmäktige decides. It ends the day before the next one begins."""

    def begins(election: int) -> datetime.date:
        # The second Sunday of September is the 8th at the earliest, the 14th at the latest.
        after = (start_month, start_day) > (9, 14)
        return datetime.date(election if after else election + 1, start_month, start_day)

    election = day.year - (day.year - FIRST_ELECTION) % 4
    while begins(election) > day:
        election -= 4
    return begins(election), begins(election + 4) - datetime.timedelta(days=1)


class BodyQuerySet(models.QuerySet["Body"]):
    def visible_to(self, user: Any) -> BodyQuerySet:
        """The bodies whose meetings the user works with as staff (kansli.access.rules)."""
        from kansli.access.rules import visible_bodies

        return visible_bodies(self, user)

    def elected(self, user: Any) -> BodyQuerySet:
        """The bodies the user is elected to today (kansli.access.rules)."""
        from kansli.access.rules import elected_bodies

        return elected_bodies(self, user)


class Body(models.Model):
    """Ett beslutande organ: the authority (fullmäktige, kommunstyrelse, nämnd) or one of
    its committees (utskott) that holds meetings. Its rules say how many working days
    before a meeting items must be in (stoppdag) and the notice sent (utskick); §
    numbers run per body and year. Its members are the elected members' roles
    (org.RoleAssignment, dated, so replacements during a term keep their history),
    elected for a term that begins on the body's own day (see `term_of`)."""

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
    term_start_month = models.PositiveSmallIntegerField(
        _("term begins (month)"),
        choices=MONTHS,
        default=10,
        help_text=_(
            "Kommunfullmäktige: 15 October of the election year; kommunstyrelsen: "
            "1 January the year after; other boards: as fullmäktige decided."
        ),
    )
    term_start_day = models.PositiveSmallIntegerField(
        _("term begins (day)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    # The order of the sections on the agenda and in the minutes (Section values); the
    # sections not named follow in their usual order.
    section_order = models.JSONField(_("order of sections"), default=list, blank=True)

    objects = BodyQuerySet.as_manager()

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

    def clean(self) -> None:
        """The rules between the fields, kept by the actions and shown in the admin."""
        errors = {}
        if self.dispatch_workdays > self.item_deadline_workdays:
            errors["dispatch_workdays"] = "Utskicket kan inte ligga före stoppdagen."
        try:
            datetime.date(2027, self.term_start_month, self.term_start_day)
        except ValueError:
            errors["term_start_day"] = "Mandatperioden måste börja på en dag som finns varje år."
        if errors:
            raise ValidationError(errors)

    def minutes_kept_at(self) -> str:
        """Where the minutes are kept (protokollet förvaras), as the notice of approval
        says (KL 8 kap. 12 §): the office and address in the municipality's profile,
        else the authority and the municipality."""
        municipality = self.authority.municipality
        profile = GraphicProfile.objects.filter(municipality=municipality).first()
        if profile is not None and profile.minutes_kept_at:
            return profile.minutes_kept_at
        return f"{self.authority.name}, {municipality.name}"

    def term(self, day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The first and last day of the body's term of office that `day` falls in."""
        return term_of(day, self.term_start_month, self.term_start_day)

    def roles_in_term(self, day: datetime.date) -> QuerySet[RoleAssignment]:
        """Every elected role in the body during the term (mandatperiod) of `day`,
        those that ended too: a member who left and the one who took the seat."""
        start, end = self.term(day)
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
    """The municipality's graphic profile on the notices, minutes and extracts and every
    document made from a template (kansli.drafting): logo, colour, accent colour,
    typeface, footer and address block, edited by an administrator without code; with it what those
    documents say of the municipality: the förvaltningsrätt its decisions are appealed
    to (that of the county the municipality is in, KL 13 kap. 5 §) and where its
    minutes are kept (protokollet förvaras)."""

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
    court = models.CharField(
        _("administrative court"),
        max_length=100,
        blank=True,
        help_text=_(
            "The förvaltningsrätt of the county the municipality is in, e.g. "
            "Förvaltningsrätten i Falun. Empty: the appeal instructions say "
            "förvaltningsrätten without a name."
        ),
    )
    minutes_kept_at = models.CharField(
        _("minutes kept at"),
        max_length=300,
        blank=True,
        help_text=_(
            "The office and address where the minutes are kept, e.g. "
            "Kommunledningskontoret, Stadshuset, Storgatan 1, Exempelstad. Empty: the "
            "authority and the municipality."
        ),
    )

    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#6b7f3a",
        validators=[RegexValidator(r"\A#[0-9a-fA-F]{6}\Z", _("A colour as #rrggbb."))],
        help_text=_("For the name of the document above its heading."),
    )
    footer = models.CharField(
        _("footer text"),
        max_length=300,
        blank=True,
        help_text=_("Printed at the foot of every page, e.g. the switchboard and web site. "
                    "Empty: the municipality and the authority."),
    )  # fmt: skip
    address = models.TextField(
        _("address block"),
        blank=True,
        help_text=_("The postal and visiting address printed under the logo, one line each."),
    )

    class Meta:
        verbose_name = _("graphic profile")
        verbose_name_plural = _("graphic profiles")

    def __str__(self) -> str:
        return str(self.municipality)
