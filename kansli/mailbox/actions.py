"""Every change the functional mailbox makes: reading a folder from the start, taking a
message into the inbox or the quarantine, and forwarding misaddressed mail."""

from __future__ import annotations

import hashlib
import re
import smtplib
from email import message_from_bytes
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import DataError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.audit.chain import record
from kansli.files.detect import EML
from kansli.files.mail import ParsedMail, parse_mail
from kansli.files.store import check_file, check_size, keep_bytes, store_bytes
from kansli.mailbox.models import InboxForwarding, Mailbox, MailboxFolderState, QuarantinedMessage
from kansli.org.changes import apply_changes, snapshot
from kansli.org.models import Authority
from kansli.org.permissions import require_sysadmin
from kansli.registry.actions import do_receive_in_inbox
from kansli.registry.models import InboxItem
from kansli.registry.permissions import require_registering

MAILBOX_FIELDS = ["authority", "host", "port", "username", "password_env", "folders",
                  "processed_folder", "active"]  # fmt: skip


@transaction.atomic
def do_add_mailbox(*, actor: Any, **fields: Any) -> Mailbox:
    """Set up a functional mailbox to be read into an authority's inbox (a system
    administrator). The password stays in the environment; only its name is kept."""
    require_sysadmin(actor)
    mailbox = Mailbox(**fields)
    mailbox.full_clean()
    mailbox.save()
    record(actor=actor, action="mailbox.add", obj=mailbox,
           after=snapshot(mailbox, MAILBOX_FIELDS))  # fmt: skip
    return mailbox


@transaction.atomic
def do_change_mailbox(mailbox: Mailbox, changes: dict[str, Any], *, actor: Any) -> None:
    require_sysadmin(actor)
    before, after = apply_changes(mailbox, changes)
    if after:
        record(actor=actor, action="mailbox.change", obj=mailbox, before=before, after=after)


@transaction.atomic
def do_start_folder(
    mailbox: Mailbox, folder: str, uidvalidity: int, *, actor: Any
) -> MailboxFolderState:
    """The folder's state for this UIDVALIDITY. When the server gives the folder a new
    UIDVALIDITY (RFC 3501 2.3.1.1: the old UIDs mean nothing any more) the folder is
    read again from UID 1; what was taken in already is known by its content."""
    require_registering(actor, mailbox.authority)
    state, created = MailboxFolderState.objects.select_for_update().get_or_create(
        mailbox=mailbox, folder=folder, defaults={"uidvalidity": uidvalidity}
    )
    if created or state.uidvalidity != uidvalidity:
        before = None if created else {"uidvalidity": state.uidvalidity, "last_uid": state.last_uid}
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.save(update_fields=["uidvalidity", "last_uid"])
        record(actor=actor, action="mailbox.start_folder", obj=state, before=before,
               after={"folder": folder, "uidvalidity": uidvalidity})  # fmt: skip
    return state


@transaction.atomic
def do_take_in_message(
    mailbox: Mailbox, folder: str, uid: int, raw: bytes, *, actor: Any
) -> InboxItem | QuarantinedMessage | None:
    """Put one message read from the folder in the authority's inbox (TF 2 kap. 9 §: it
    has come in; OSL 5 kap. 1 §: to be registered), or in the quarantine with the
    reason when it cannot be, and advance the folder's last UID, all in one
    transaction. None when it was taken in already: its UID is not above the last one,
    or the same message (the same bytes, Message-ID and all, by SHA-256) is in the
    inbox or the quarantine already."""
    require_registering(actor, mailbox.authority)
    state = MailboxFolderState.objects.select_for_update().get(mailbox=mailbox, folder=folder)
    if uid <= state.last_uid:
        return None
    state.last_uid = uid
    state.save(update_fields=["last_uid"])
    sha256 = hashlib.sha256(raw).hexdigest()
    if InboxItem.objects.filter(stored__sha256=sha256).exists() or (
        QuarantinedMessage.objects.filter(stored__sha256=sha256).exists()
    ):
        return None
    try:
        mail = _checked(raw)
        name = _file_name(mail)
        stored = store_bytes(raw, name)
    except ValidationError as error:
        return _quarantine(mailbox, folder, uid, raw, " ".join(error.messages), actor)
    try:
        with transaction.atomic():
            return do_receive_in_inbox(mailbox.authority, stored, name, actor=actor, mail=mail)
    except (DataError, ValueError) as error:
        # What the database refuses to store of the message (a value it cannot hold):
        # kept for the registrars rather than stop the intake at this message each run.
        reason = _("The message could not be put in the inbox: %(error)s") % {"error": error}
        return _quarantine(mailbox, folder, uid, raw, reason, actor)


def _checked(raw: bytes) -> ParsedMail:
    """The message read, once it and every file in it pass the checks every upload
    gets; ValidationError if any does not."""
    check_size(len(raw))
    mail = parse_mail(raw)
    for attachment in mail.attachments:
        try:
            check_file(ContentFile(attachment.data, name=attachment.filename), attachment.filename)
        except ValidationError as error:
            raise ValidationError(
                f"{attachment.filename}: {' '.join(error.messages)}", code=error.code
            ) from error
    return mail


def _file_name(mail: ParsedMail) -> str:
    """The message's file name in the inbox: its subject."""
    subject = re.sub(r"[\x00-\x1f/\\:*?\"<>|]+", " ", mail.subject).strip()[:100].strip()
    return f"{subject or _('e-mail')}.eml"


def _quarantine(
    mailbox: Mailbox, folder: str, uid: int, raw: bytes, reason: str, actor: Any
) -> QuarantinedMessage:
    held = QuarantinedMessage.objects.create(
        mailbox=mailbox, folder=folder, uid=uid, stored=keep_bytes(raw, EML.mime),
        reason=reason, quarantined_at=timezone.now(),
    )  # fmt: skip
    after = {"folder": folder, "uid": uid, "sha256": held.stored.sha256, "reason": reason}
    record(actor=actor, action="mailbox.quarantine", obj=held, after=after)
    return held


@transaction.atomic
def do_forward_inbox_item(
    item: InboxItem,
    *,
    reason: str,
    to_authority: Authority | None = None,
    to_address: str = "",
    actor: Any,
) -> InboxForwarding:
    """Send misaddressed mail (felsänd post) on to where it belongs (FL 4 §): to another
    authority's inbox in Kansli, or by e-mail to an outside address with the original
    attached, after which it leaves the inbox. Only the registrars of the authority it
    came to; the forwarding is kept on the item and in the audit chain."""
    require_registering(actor, item.authority)
    item = InboxItem.objects.select_for_update().select_related("authority").get(pk=item.pk)
    if item.document_id is not None:
        raise ValidationError(_("The item is registered already; it cannot be forwarded."))
    if InboxForwarding.objects.filter(item=item).exclude(to_address="").exists():
        raise ValidationError(_("The item has been forwarded already."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is forwarded.")})
    if (to_authority is None) == (not to_address):
        raise ValidationError(_("Choose either an authority in Kansli or an outside address."))
    if to_authority is not None and to_authority.pk == item.authority_id:
        raise ValidationError({"to_authority": _("The item is already at this authority.")})
    if to_address:
        try:
            validate_email(to_address)
        except ValidationError as error:
            raise ValidationError({"to_address": _("Enter a valid e-mail address.")}) from error
    forwarding = InboxForwarding.objects.create(
        item=item, from_authority=item.authority, to_authority=to_authority,
        to_address=to_address, reason=reason, forwarded_by=actor,
        forwarded_at=timezone.now(),
    )  # fmt: skip
    if to_authority is not None:
        item.authority = to_authority
        item.save(update_fields=["authority"])
    else:
        _send_on(forwarding)
    record(actor=actor, action="mailbox.forward_inbox_item", obj=item,
           after={"from": forwarding.from_authority.code,
                  "to": to_authority.code if to_authority else to_address,
                  "reason": reason})  # fmt: skip
    return forwarding


def _send_on(forwarding: InboxForwarding) -> None:
    """The e-mail to the outside address: why it comes, with the original attached. A
    failure to send raises, and nothing is recorded."""
    item = forwarding.item
    with item.stored.open() as handle:
        original = bytes(handle.read())
    body = _(
        "%(authority)s received this, which we believe is for you, and forwards it "
        "with the original attached.\n\nReason: %(reason)s"
    ) % {"authority": forwarding.from_authority.name, "reason": forwarding.reason}
    message = EmailMessage(
        subject=_("Forwarded: %(subject)s") % {"subject": item.subject or item.name},
        body=body,
        to=[forwarding.to_address],
    )
    if item.stored.content_type == EML.mime:
        message.attach(item.name, message_from_bytes(original), EML.mime)
    else:
        message.attach(item.name, original, item.stored.content_type)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        raise ValidationError(
            _("The e-mail could not be sent (%(error)s); nothing was forwarded. Try again later.")
            % {"error": error}
        ) from error
