"""Forms for planning a reorganisation: a responsibility moved between authorities, or
units merged or closed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Unit
from kansli.registry.casenumber import parse_case_number
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Case, Classification


class ProcessField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.authority.code} {obj.code} {obj.title}"


class ResponsibilityForm(AccessibleForm):
    title = forms.CharField(
        label=_("Title"), max_length=200,
        error_messages={"required": "Ange en rubrik för omorganisationen."},
    )  # fmt: skip
    source_authority = forms.ModelChoiceField(
        Authority.objects.valid_on(), label=_("From authority"),
        error_messages={"required": "Välj myndigheten ansvaret flyttas från."},
    )  # fmt: skip
    target_authority = forms.ModelChoiceField(
        Authority.objects.valid_on(), label=_("To authority"),
        error_messages={"required": "Välj myndigheten ansvaret flyttas till."},
    )  # fmt: skip
    classifications = ProcessField(
        Classification.objects.filter(active=True).select_related("authority")
        .order_by("authority__code", "code"),
        required=False, label=_("Processes"),
        help_text=_("The open cases filed under these processes of the source authority, "
                    "and the processes below them, move."),
    )  # fmt: skip
    units = forms.ModelMultipleChoiceField(
        Unit.objects.valid_on(), required=False, label=_("Responsible units"),
        help_text=_("The open cases these units prepare for the source authority move."),
    )  # fmt: skip
    keep_numbers = forms.ChoiceField(
        label=_("Case numbers of the moved cases"), required=False, initial="0",
        choices=[("0", _("A new number in the receiving authority's series, linked to the "
                         "earlier one")),
                 ("1", _("Each case keeps its case number"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    case_numbers = forms.CharField(
        label=_("Case numbers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cases moved one by one: one case number a line, e.g. KFN 2026/14."),
    )  # fmt: skip

    def clean_case_numbers(self) -> list[Case]:
        cases = []
        for text in self.cleaned_data["case_numbers"].splitlines():
            if not text.strip():
                continue
            number = parse_case_number(text)
            if number is None or number.series is None:
                raise forms.ValidationError(f"”{text.strip()}” är inte ett diarienummer.")
            found = Case.objects.numbered(number.series, number.year, number.number).first()
            if found is None:
                raise forms.ValidationError(f"Det finns inget ärende {number}.")
            cases.append(found)
        return cases


class UnitMergeForm(AccessibleForm):
    title = forms.CharField(
        label=_("Title"), max_length=200,
        error_messages={"required": "Ange en rubrik för omorganisationen."},
    )  # fmt: skip
    units = forms.ModelMultipleChoiceField(
        Unit.objects.valid_on(), label=_("Units that end"),
        help_text=_("One unit to close it, several to merge them."),
        error_messages={"required": "Välj minst en enhet som upphör."},
    )  # fmt: skip
    target_unit = forms.ModelChoiceField(
        Unit.objects.valid_on(), label=_("Receiving unit"),
        error_messages={"required": "Välj den enhet som tar emot ärendena."},
    )  # fmt: skip
