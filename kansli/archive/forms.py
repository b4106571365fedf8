"""The archivist's forms: start an export, register the e-archive's receipt. They parse
input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.registry.forms import AccessibleForm


class ExportForm(AccessibleForm):
    authority = forms.ChoiceField(label=_("Authority"))
    closed_before = DayField(
        label=_("Cases closed before"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Every case the authority closed before this day and not under a legal "
                    "hold is exported, one package per case."),
    )  # fmt: skip

    def __init__(self, *args: Any, authorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = authorities


class ReceiptForm(AccessibleForm):
    reference = forms.CharField(
        label=_("The e-archive's receipt"), max_length=200,
        help_text=_("Its number or reference, as the e-archive gave it."),
    )  # fmt: skip
    received_on = DayField(label=_("Receipt dated"), widget=forms.DateInput(attrs={"type": "date"}))
