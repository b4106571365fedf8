"""Forms of the case page for what belongs to a case besides its registrations: its
particulars (title, classification, unit), the day to decide by, related cases, its
parties, and the files of its documents (a new file, or a new version of one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kansli.files.detect import ACCEPTED
from kansli.files.store import check_file
from kansli.inputs import DayField
from kansli.org.models import Unit
from kansli.registry.forms import AccessibleForm, find_case
from kansli.registry.models import Case, Classification, Document, DocumentFile


class ChangeCaseForm(AccessibleForm):
    """The case's title, its process in its authority's classification scheme and its
    responsible unit, as actions.do_change_case takes them."""

    title = forms.CharField(
        label=_("Case title"),
        max_length=500,
        error_messages={"required": _("Enter the case title.")},
    )
    classification = forms.ModelChoiceField(
        Classification.objects.none(),
        label=_("Classification"),
        required=False,
        empty_label=_("Not classified yet"),
    )
    unit = forms.ModelChoiceField(
        Unit.objects.none(), label=_("Responsible unit"), required=False,
        empty_label=_("No unit yet"),
    )  # fmt: skip

    def __init__(self, case: Case, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {"title": case.title, "classification": case.classification_id,
                                      "unit": case.unit_id})  # fmt: skip
        super().__init__(*args, **kwargs)
        # The processes and units in use, and the case's own even if no longer in use.
        classification = self.fields["classification"]
        assert isinstance(classification, forms.ModelChoiceField)
        classification.queryset = Classification.objects.filter(
            Q(active=True) | Q(pk=case.classification_id), authority_id=case.authority_id
        ).order_by("code")
        units = Unit.objects.valid_on().filter(municipality_id=case.authority.municipality_id)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=case.unit_id))


class DueDateForm(AccessibleForm):
    """The day the case should be decided by (actions.do_set_due_date); empty clears it."""

    due_date = DayField(
        label=_("Decide by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave it empty to clear the day."),
        error_messages={"invalid": _("Enter a valid date.")},
    )


class RelateCaseForm(AccessibleForm):
    """Another case to relate this one to, by its case number. Only cases the user may see
    are found: one the user may not see is answered like one that does not exist."""

    case_number = forms.CharField(
        label=_("Case number"),
        max_length=40,
        help_text=_("For example KS 2026/142."),
        error_messages={"required": _("Enter the case number, for example KS 2026/142.")},
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "case_number" in data:
            data["other"] = find_case(self.user, data["case_number"])
            if data["other"] is None:
                self.add_error("case_number", _("The case does not exist."))
        return data


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
