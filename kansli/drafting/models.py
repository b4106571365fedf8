"""The Word templates an administrator has uploaded, kept version by version."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.drafting.kinds import KINDS


class TemplateVersion(models.Model):
    """En version av en dokumentmall: the Word template of one kind of document (the
    tjänsteskrivelse, handläggningsbeslutet, kallelsen …) as the municipality's
    administrator uploaded it, for the whole municipality or for one authority (a nämnd
    with its own layout). The newest version applies; the earlier ones are kept, so that
    what a document was made from can be told afterwards."""

    kind = models.CharField(
        _("kind"), max_length=30, choices=[(k, v.title) for k, v in KINDS.items()]
    )
    municipality = models.ForeignKey("org.Municipality", on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(
        "org.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("authority"), help_text=_("Empty: the whole municipality."),
    )  # fmt: skip
    version = models.PositiveIntegerField(_("version"))
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        help_text=_("Empty: installed by the system (the demo)."),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["kind", "-version"]
        # One number per version of a kind, for an authority and for the municipality as
        # a whole (no authority): two partial indexes, which SQLite enforces too (it
        # has no NULLS NOT DISTINCT, and one constraint over a nullable column would let
        # two municipality-wide versions share a number).
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "authority", "kind", "version"],
                condition=models.Q(authority__isnull=False),
                name="drafting_template_version",
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind", "version"],
                condition=models.Q(authority__isnull=True),
                name="drafting_template_version_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{KINDS[self.kind].title} v{self.version}"


def newest(kind: str, authority: object) -> TemplateVersion | None:
    """The version that applies to the authority: its own newest, else the
    municipality's newest, else None (the default template)."""
    from kansli.org.models import Authority

    assert isinstance(authority, Authority)
    found = TemplateVersion.objects.filter(kind=kind, municipality_id=authority.municipality_id)
    own = found.filter(authority=authority).order_by("-version").first()
    return own or found.filter(authority=None).order_by("-version").first()


def current_template(kind: str, authority: object) -> bytes:
    """The bytes of the Word template that applies (see newest)."""
    from kansli.drafting.docx import default_template

    version = newest(kind, authority)
    if version is None:
        return default_template(kind)
    with version.file.open() as handle:
        return bytes(handle.read())


class AuthorityProfile(models.Model):
    """En myndighets egen grafiska profil: where a nämnd prints under its own logo or
    colours (a joint board, a board with its own brand), what differs from the
    municipality's graphic profile (meetings.GraphicProfile). An empty field takes the
    municipality's. Read through kansli.drafting.profile.profile_for."""

    authority = models.OneToOneField(
        "org.Authority", on_delete=models.PROTECT, related_name="+", verbose_name=_("authority")
    )
    logo = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("logo"),
    )  # fmt: skip
    colour = models.CharField(
        _("colour"), max_length=7, blank=True,
        validators=[RegexValidator(r"\A#[0-9a-fA-F]{6}\Z", _("A colour as #rrggbb."))],
    )  # fmt: skip
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, blank=True,
        validators=[RegexValidator(r"\A#[0-9a-fA-F]{6}\Z", _("A colour as #rrggbb."))],
    )  # fmt: skip
    footer = models.CharField(_("footer text"), max_length=300, blank=True)
    address = models.TextField(_("address block"), blank=True)

    class Meta:
        verbose_name = _("authority's graphic profile")
        verbose_name_plural = _("authorities' graphic profiles")

    def __str__(self) -> str:
        return str(self.authority)
