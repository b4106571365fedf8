"""The import form: the file and the decision that adopted it. It parses input; the
action decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.registry.forms import AccessibleForm

SHARED = "shared"


class ImportForm(AccessibleForm):
    owner = forms.ChoiceField(label=_("Plan of"))
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per document type, with the columns of the export (Processkod, "
            "Process, Handlingstyp, Hantering, Bevaras/gallras, …). At most 2 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    valid_from = DayField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    adopted_by = forms.CharField(
        label=_("Adopted by"), max_length=200, help_text=_("For example Kommunstyrelsen.")
    )
    decision_reference = forms.CharField(
        label=_("Decision"), max_length=100, help_text=_("For example KS 2026/14 § 23.")
    )
    decision_date = DayField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    sometimes_needed = ("valid_from", "adopted_by", "decision_reference", "decision_date")

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = owners
        # A proposal is printed before the board has decided: only the file is needed.
        if self.data.get("do") == "pdf":
            for name in self.sometimes_needed:
                self.fields[name].required = False


class ListForm(AccessibleForm):
    """Make a disposal list: the authority and the day it is due on."""

    authority = forms.ChoiceField(label=_("Authority"))
    on = DayField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("What the plan lets go by this day is listed."),
    )  # fmt: skip

    def __init__(self, *args: Any, authorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = authorities


class ReasonForm(AccessibleForm):
    """Why: a document is excluded, a list is sent back, a hold is lifted."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip


class HoldForm(AccessibleForm):
    """Put a legal hold on cases (by number), on a counterpart's name, or both."""

    authority = forms.ChoiceField(label=_("Authority"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 2}))  # fmt: skip
    case_numbers = forms.CharField(
        label=_("Case numbers"), required=False, max_length=2000,
        help_text=_("One or more, separated by commas, e.g. KS 2026/12, KS 2025/301."),
    )  # fmt: skip
    counterpart = forms.CharField(
        label=_("Counterpart"), required=False, max_length=300,
        help_text=_("Every document with this name as sender, recipient or party is held."),
    )  # fmt: skip

    def __init__(self, *args: Any, authorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = authorities
