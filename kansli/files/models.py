"""The contents of registered files, each stored once."""

from __future__ import annotations

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.files.storage import reaching_storage


class StoredFile(models.Model):
    """The bytes of one file as it was received (en handling in its original form),
    named by their SHA-256 and kept unchanged for as long as the document is kept.

    The same content received twice is one StoredFile. The file name, the version and
    the document belong to the registry, which links a document to its StoredFiles; a
    new version of a document is a new StoredFile, and the earlier ones remain. The
    bytes live in Django's default storage at `storage_name`; only the extracted text
    and its status change after the row is made. A PDF's active content (JavaScript,
    embedded files) is noted when it is stored and removed from every copy handed on."""

    class Extraction(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        UNSUPPORTED = "unsupported", _("not supported for this file type")

    sha256 = models.CharField(
        _("SHA-256"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"\A[0-9a-f]{64}\Z")],
    )
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    text = models.TextField(_("extracted text"), blank=True)
    extraction = models.CharField(
        _("text extraction"), max_length=12, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_error = models.TextField(_("extraction error"), blank=True)
    # What a PDF can run or carry besides its pages (kansli.files.pdfactive), found
    # when it was stored: the kinds, comma-separated; empty for none or another type.
    active_content = models.CharField(_("active content"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.content_type}, {self.size} B)"

    @property
    def storage_name(self) -> str:
        return storage_name(self.sha256)

    @property
    def unreadable_pdf(self) -> bool:
        """A PDF whose check or cleaning (kansli.files.pdfactive), in the sandbox, failed
        or ran over the limits: pypdf never reads it outside the sandbox."""
        return "unreadable" in self.active_content.split(",")

    def open(self) -> File:
        """The stored bytes, opened for reading; close it (or use `with`). Raises
        StorageUnavailable (kansli.files.storage) if the storage does not answer: here,
        not half-way through a download, as the bytes are fetched now (an object store's
        file reads its object on its first seek or read)."""
        with reaching_storage():
            handle = default_storage.open(self.storage_name, "rb")
            try:
                handle.seek(0)
            except BaseException:
                handle.close()
                raise
        return handle


def storage_name(sha256: str) -> str:
    """Where content with this hash lives in the storage: sha256/ab/cd/abcd…"""
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
