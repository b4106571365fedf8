"""The functional mailbox (funktionsbrevlådan): the address, such as
kommunstyrelsen@kommun.se, to which the public writes to an authority. Mail that comes
there is a document that has come in (TF 2 kap. 9 §) and is to be registered without
delay (OSL 5 kap. 1 §), so Kansli reads the mailbox over IMAP into the registrars'
inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kansli.files.models import StoredFile
from kansli.org.models import Authority
from kansli.registry.models import InboxItem


class Mailbox(models.Model):
    """One functional mailbox read over IMAP with TLS, feeding one authority's inbox.
    The password is not stored here: `password_env` names the environment variable (or
    the file named by `<name>_FILE`) that holds it. Mail taken in is moved to
    `processed_folder`, or flagged \\Seen and $Kansli where that is empty."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="mailboxes")
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(_("environment variable holding the password"), max_length=100)
    folders = models.CharField(
        _("folders to read"), max_length=500, default="INBOX",
        help_text=_("Separated by commas."),
    )  # fmt: skip
    processed_folder = models.CharField(
        _("folder for mail taken in"), max_length=255, blank=True,
        help_text=_("Empty: the mail stays where it is, flagged as read and $Kansli."),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("functional mailbox")
        verbose_name_plural = _("functional mailboxes")
        constraints = [
            models.UniqueConstraint(fields=["host", "port", "username"], name="mailbox_unique")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"

    @property
    def folder_names(self) -> list[str]:
        return [name.strip() for name in self.folders.split(",") if name.strip()]


class MailboxFolderState(models.Model):
    """How far a folder has been read: the server's UIDVALIDITY and the highest UID
    taken in. Advanced in the same transaction as the inbox item, so a message is never
    taken in twice, nor skipped."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="states")
    folder = models.CharField(_("folder"), max_length=255)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"))
    last_uid = models.BigIntegerField(_("last UID taken in"), default=0)

    class Meta:
        verbose_name = _("mailbox folder state")
        verbose_name_plural = _("mailbox folder states")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "folder"], name="mailbox_folder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.folder}"


class QuarantinedMessage(models.Model):
    """A message from the functional mailbox that could not be put in the inbox (its
    headers cannot be read, it is too large, or a file in it is refused). It is still a
    document that has come in (TF 2 kap. 9 §), so it is kept whole, with the reason,
    for the registrars to read and handle by hand."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="quarantine")
    folder = models.CharField(_("folder"), max_length=255)
    uid = models.BigIntegerField(_("UID"))
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    quarantined_at = models.DateTimeField(_("quarantined"))

    class Meta:
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantine")
        ordering = ["-quarantined_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.folder} {self.uid}"


class InboxForwarding(models.Model):
    """Misaddressed mail (felsänd post) sent on to where it belongs: to another
    authority's inbox in Kansli, or to an outside address (FL 4 §: an authority helps
    one who has come to the wrong authority). Who, when, where to and why."""

    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="forwardings")
    from_authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    to_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_address = models.EmailField(_("to address"), blank=True)
    reason = models.TextField(_("reason"))
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("forwarded"))

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["forwarded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} → {self.to_authority or self.to_address}"
