"""The forms of the registrar's inbox (inkorgen): putting files and e-mails in it, and
registering one of its items with the registration form pre-filled from the e-mail."""

from __future__ import annotations

import io
from email.utils import parseaddr
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.files.mail import parse_mail
from kansli.org.models import Authority, User
from kansli.registry import personal_numbers
from kansli.registry.forms import NEW_CASE, AccessibleForm, MultipleFileField, RegistrationForm
from kansli.registry.models import Direction, InboxItem


class InboxUploadForm(AccessibleForm):
    """One or more files, or e-mails saved as .eml or Outlook .msg, for an inbox."""

    authority = forms.ModelChoiceField(
        Authority.objects.none(),
        label=_("Authority"),
        empty_label=_("Choose an authority"),
        error_messages={"required": _("Choose the authority whose inbox the files are for.")},
    )
    # Empty files pass the field, so that the store's own message names them.
    uploads = MultipleFileField(
        label=_("Files"),
        allow_empty_file=True,
        help_text=_(
            "Letters, scanned documents or e-mails saved from the mail program (.eml or "
            "Outlook .msg). You can choose several files at once."
        ),
    )

    def __init__(self, authorities: QuerySet[Authority], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = authorities
        only = list(authorities[:2])
        if len(only) == 1:
            field.initial = only[0].pk

    def clean_uploads(self) -> list[UploadedFile]:
        uploads = self.cleaned_data.get("uploads") or []
        if not uploads:
            raise ValidationError(_("Choose one or more files."))
        return list(uploads)


def initial_for(item: InboxItem) -> dict[str, Any]:
    """The registration as the item suggests it: an e-mail's sender, the day it was sent
    (else the day it came into the inbox) and its subject as title and description."""
    day = timezone.localdate(item.sent_at or item.received_at)
    # "Name <address>": the name is the sender; the e-mail address, which the public
    # e-diary must not show for a private person, goes with the address (not public).
    name, address = parseaddr(item.sender)
    return {
        "mode": NEW_CASE,
        "counterpart": name or address or item.sender,
        "counterpart_address": address if name else "",
        "document_date": day,
        "title": item.subject,
        "description": item.subject,
    }


class InboxRegistrationForm(RegistrationForm):
    """The registration form for an inbox item: an incoming document of the inbox's
    authority, whose files are the item's own (and an e-mail's attachments)."""

    FIXED = ("authority", "direction", "uploads")

    def __init__(self, user: User, item: InboxItem, *args: Any, **kwargs: Any):
        authorities = Authority.objects.filter(pk=item.authority_id)
        self.fixed_authority = item.authority
        super().__init__(user, authorities, *args, **kwargs)
        self.item = item
        for name in self.FIXED:
            del self.fields[name]

    def clean(self) -> dict[str, Any]:
        self.cleaned_data |= {
            "authority": self.item.authority,
            "direction": Direction.INCOMING,
            "uploads": [],
        }
        return super().clean()

    def numbers_in_files(self, data: dict[str, Any]) -> list[str]:
        """The item's file and, for an e-mail, its attachments: what becomes the
        document's files."""
        with self.item.stored.open() as handle:
            content = handle.read()
        found = personal_numbers.in_file(io.BytesIO(content))
        if self.item.is_mail:
            for attachment in parse_mail(content).attachments:
                found += personal_numbers.in_file(io.BytesIO(attachment.data))
        return found
