"""What the public e-diary shows beyond the law's minimum: each authority's choice about
private persons' names, and files published with their registration."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority


class DiaryPolicy(models.Model):
    """An authority's rules for its public e-diary (e-diarium). The registry itself is
    public (OSL 5 kap. 2 §); publishing it on the web is processing of personal data,
    so many authorities leave private persons' names out there (GDPR art. 6.1 e, the
    authority's own assessment). Without a policy the names are left out."""

    authority = models.OneToOneField(
        Authority, on_delete=models.PROTECT, related_name="diary_policy"
    )
    mask_private_names = models.BooleanField(
        _("leave out private persons' names"), default=True,
        help_text=_("Senders, recipients and parties who are private persons are shown "
                    "as 'Privatperson' in the public e-diary."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("public e-diary policy")
        verbose_name_plural = _("public e-diary policies")

    def __str__(self) -> str:
        return f"{self.authority.code}"


class PublishedFile(models.Model):
    """A file published with its registration in the public e-diary. Nothing is
    published by default: a registrar publishes a file of an open document when it
    may be shown to anyone (an agenda, a decision, a public inquiry)."""

    document_file = models.OneToOneField(
        "registry.DocumentFile", on_delete=models.PROTECT, related_name="publication"
    )
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")

    def __str__(self) -> str:
        return f"{self.document_file_id}"
