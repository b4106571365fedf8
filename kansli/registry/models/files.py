from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.files.detect import EML, MSG
from kansli.files.models import StoredFile
from kansli.org.models import Authority
from kansli.registry.models.documents import Document


class DocumentFile(models.Model):
    """A file of a registered document under the name it came with: the letter itself,
    an attachment, a scanned copy. A new version of a file is a new row that replaces
    the earlier one; the earlier versions stay (their bytes are immutable)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="documents")
    name = models.CharField(_("file name"), max_length=255)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    added_at = models.DateTimeField(_("added"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("document file")
        verbose_name_plural = _("document files")
        ordering = ["document", "name", "version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "replaced_by")


def current_files(files: Iterable[DocumentFile]) -> list[DocumentFile]:
    """The files no other of `files` replaces: a document's current versions, worked out
    from the list itself (is_current asks the database once per file)."""
    files = list(files)
    replaced = {f.replaces_id for f in files if f.replaces_id is not None}
    return [f for f in files if f.pk not in replaced]


class InboxItem(models.Model):
    """Something that has come in but is not yet registered: an uploaded file or an
    e-mail dropped in the registrar's inbox (inkorgen). Registering it makes a document
    (OSL 5 kap. 1 §: without delay); the item then points at that document."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="inbox")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=255)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Read from an e-mail, to pre-fill the registration.
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="inbox_item"
    )

    class Meta:
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox")
        ordering = ["received_at"]

    def __str__(self) -> str:
        return self.subject or self.name

    @property
    def is_mail(self) -> bool:
        return self.stored.content_type in {EML.mime, MSG.mime}
