"""Forms of the case page for what belongs to a case besides its registrations: its
parties, and the files of its documents (a new file, or a new version of one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kansli.files.detect import ACCEPTED
from kansli.files.store import check_file
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Document, DocumentFile


class PartyForm(AccessibleForm):
    """A party (part) in the case, as actions.do_add_party takes it."""

    name = forms.CharField(
        label=_("Name"),
        max_length=300,
        error_messages={"required": _("Enter the party's name.")},
    )
    role = forms.CharField(
        label=_("Role in the case"),
        max_length=100,
        required=False,
        help_text=_("For example applicant, or the person the case concerns."),
    )
    identity_number = forms.CharField(
        label=_("Personal or organisation number"), max_length=13, required=False
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    protected_identity = forms.BooleanField(
        label=_("Protected identity"),
        required=False,
        help_text=_(
            "The name, number and address are then shown only to the case's officer and "
            "the authority's registrars."
        ),
    )


def _document_label(document: Document) -> str:
    return f"{document.document_number} {Truncator(document.description).chars(60)}"


class AttachFileForm(AccessibleForm):
    """A file for one of the case's documents, or a new version of one of its files
    (the earlier version is kept)."""

    document = forms.TypedChoiceField(
        label=_("Document"),
        coerce=int,
        empty_value=None,
        error_messages={"required": _("Choose the document.")},
    )
    replaces = forms.TypedChoiceField(
        label=_("Add as"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A file of its own, or a new version of one of the document's files."),
    )
    upload = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the store's own message names an empty file
        error_messages={"required": _("Choose a file.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(sorted({e for kind in ACCEPTED for e in kind.extensions}))}
        ),
    )

    def __init__(
        self, documents: list[Document], current: dict[int, list[DocumentFile]], *args: Any,
        **kwargs: Any,
    ):  # fmt: skip
        """`documents`: those a file may be added to; `current`: each one's current files
        by its number."""
        super().__init__(*args, **kwargs)
        self.documents = {d.number: d for d in documents}
        self.current = {f.pk: f for files in current.values() for f in files}
        document_field = self.fields["document"]
        assert isinstance(document_field, forms.TypedChoiceField)
        document_field.choices = [
            ("", _("Choose a document")),
            *((d.number, _document_label(d)) for d in documents),
        ]
        versions: list[Any] = [("", _("A new file"))]
        for document in documents:
            files = current.get(document.number, [])
            if files:
                versions.append(
                    (
                        document.document_number,
                        [(f.pk, _("New version of %(name)s") % {"name": f.name}) for f in files],
                    )
                )
        replaces_field = self.fields["replaces"]
        assert isinstance(replaces_field, forms.TypedChoiceField)
        replaces_field.choices = versions

    def clean_upload(self) -> UploadedFile:
        upload = self.cleaned_data["upload"]
        check_file(upload, upload.name or "")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        document = self.documents.get(data.get("document") or 0)
        data["document"] = document
        replaces = data.get("replaces")
        if replaces is not None:
            earlier = self.current.get(replaces)
            if document is not None and (earlier is None or earlier.document_id != document.pk):
                self.add_error("replaces", _("Choose one of the chosen document's files."))
            data["replaces"] = earlier
        return data
