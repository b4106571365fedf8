"""The municipality, its authorities (KF, KS, nämnder) and committees, the staff
organisation as a dated tree of units, and the people with their roles."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dated(models.Model):
    """Something that holds from one day to another. Nothing in the organisation is
    deleted: it ends (valid_to) and the history stays."""

    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DatedQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None) -> DatedQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


def case_number(number_format: str, series: str, year: int, number: int) -> str:
    """A case number in a municipality's format (Municipality.case_number_format)."""
    return number_format.format(series=series, year=year, number=number)


class Municipality(models.Model):
    """En kommun (or kommunalförbund): the legal person one Kansli installation serves."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    case_number_format = models.CharField(
        _("case number format"),
        max_length=60,
        default="{series} {year}/{number}",
        help_text=_(
            "How case numbers are written: {series}, {year} and {number}, e.g. "
            "{series} {year}/{number:04d} for zero-padded numbers."
        ),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def format_case_number(self, series: str, year: int, number: int) -> str:
        return case_number(self.case_number_format, series, year, number)

    def clean(self) -> None:
        try:
            self.format_case_number("KS", 2026, 1)
        except (KeyError, ValueError, IndexError) as exc:
            raise ValidationError(
                {"case_number_format": f"Formatet går inte att använda: {exc}"}
            ) from exc


class Authority(Dated):
    """En myndighet: kommunfullmäktige, kommunstyrelsen or a nämnd. Each is its own
    authority with its own registry series (the code, e.g. KS), its own decisions and
    its own records creator (arkivbildare). A gemensam nämnd is hosted by one
    municipality and serves several."""

    class Kind(models.TextChoices):
        COUNCIL = "kf", _("municipal council (kommunfullmäktige)")
        EXECUTIVE = "ks", _("municipal executive board (kommunstyrelse)")
        BOARD = "board", _("board (nämnd)")
        SHARED_BOARD = "shared_board", _("joint board (gemensam nämnd)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="authorities"
    )
    served_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="shared_authorities",
        verbose_name=_("also serves"),
        help_text=_("For a joint board: the other municipalities it serves."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Short code used as the registry series, e.g. KS or BUN."),
    )
    name = models.CharField(_("name"), max_length=200)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Committee(Dated):
    """Ett utskott: a working committee under an authority, e.g. KSAU under KS."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="committees")
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Unit(Dated):
    """A part of the staff organisation (förvaltning, kontor, avdelning, enhet, stab).
    Units are reorganised often: a unit is never deleted or moved, it ends on a date and
    names its successors, so that what was true on any day can still be read."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "forvaltning", _("administration (förvaltning)")
        OFFICE = "kontor", _("office (kontor)")
        DEPARTMENT = "avdelning", _("department (avdelning)")
        SECTION = "enhet", _("section (enhet)")
        STAFF = "stab", _("staff function (stab)")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    authorities = models.ManyToManyField(
        Authority,
        blank=True,
        related_name="units",
        verbose_name=_("serves"),
        help_text=_("The authorities whose cases this unit prepares."),
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("succeeded by"),
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def path(self) -> list[Unit]:
        """The chain from the top unit down to this one."""
        chain: list[Unit] = []
        node: Unit | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


class User(AbstractUser):
    """A person who signs in: staff (tjänstepersoner) and elected members
    (förtroendevalda). What a person may do follows from their roles."""

    title = models.CharField(_("job title"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("unit"),
    )
    # A morning e-mail about the person's own cases overdue or due within a few working
    # days (kansli.registry.reminders); the person turns it off on the start page.
    case_reminders = models.BooleanField(_("e-mail reminders about my cases"), default=True)
    case_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def active_roles(self, day: datetime.date | None = None) -> models.QuerySet[RoleAssignment]:
        return self.roles.valid_on(day).select_related("authority", "committee")


class Role(models.TextChoices):
    REGISTRAR = "registrator", _("registrar")
    OFFICER = "handlaggare", _("officer")
    SECRETARY = "namndsekreterare", _("committee secretary")
    MANAGER = "chef", _("manager")
    ARCHIVIST = "arkivarie", _("archivist")
    DATA_PROTECTION_OFFICER = "dataskyddsombud", _("data protection officer")
    ELECTED = "fortroendevald", _("elected member")
    SYSADMIN = "systemadministrator", _("system administrator")


class ElectedPosition(models.TextChoices):
    MEMBER = "ledamot", _("member (ledamot)")
    SUBSTITUTE = "ersattare", _("substitute (ersättare)")
    CHAIR = "ordforande", _("chair (ordförande)")
    VICE_CHAIR = "vice_ordforande", _("vice chair (vice ordförande)")


class RoleAssignmentQuerySet(DatedQuerySet):
    pass


class RoleAssignment(Dated):
    """A role a person holds for an authority (or one of its committees) from one day to
    another: registrator för KS, handläggare för BUN, ledamot i KSAU. The system
    administrator role is held for the whole installation and names no authority."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    position = models.CharField(
        _("position"),
        max_length=20,
        choices=ElectedPosition.choices,
        blank=True,
        help_text=_("For elected members only."),
    )
    # Ersättare are called in the order the council decided (KL 5 kap. 17 §, 6 kap.
    # 11 §); without one, in the order they took office.
    call_order = models.PositiveSmallIntegerField(
        _("order called in"),
        null=True,
        blank=True,
        help_text=_("For substitutes: 1 is called in first, as the council decided."),
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="systemadministrator") & Q(authority__isnull=True))
                | (~Q(role="systemadministrator") & Q(authority__isnull=False)),
                name="role_authority_unless_sysadmin",
            ),
            models.CheckConstraint(
                condition=(Q(role="fortroendevald") & ~Q(position=""))
                | (~Q(role="fortroendevald") & Q(position="")),
                name="role_position_only_for_elected",
            ),
            models.CheckConstraint(
                condition=Q(call_order__isnull=True) | Q(position="ersattare"),
                name="call_order_only_for_substitutes",
            ),
        ]

    def __str__(self) -> str:
        where = self.committee or self.authority
        label = self.get_position_display() if self.position else self.get_role_display()
        return f"{label} – {where}" if where else str(label)


class ApiToken(models.Model):
    """A key a program uses to call Kansli's API on a person's behalf (for example an
    e-service that registers incoming applications). Only the SHA-256 of the key is
    kept; the key itself is shown once, when it is made. Every key expires (by default a
    year after it is made, KANSLI_API_TOKEN_DAYS): a key forgotten in a decommissioned
    integration stops opening by itself."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
