"""The administrator's form for a new version of a Word template, and the case number
a template is previewed with."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Municipality
from kansli.registry.forms import AccessibleForm


class UploadForm(AccessibleForm):
    municipality = forms.ModelChoiceField(
        Municipality.objects.order_by("name"), label=_("Municipality"),
        error_messages={"required": "Välj kommunen mallen gäller."},
    )  # fmt: skip
    authority = forms.ModelChoiceField(
        Authority.objects.valid_on().order_by("name"), required=False, label=_("Authority"),
        help_text=_("Only for an authority with its own layout; empty: the whole municipality."),
    )  # fmt: skip
    file = forms.FileField(
        label=_("Word template (DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
        error_messages={"required": "Välj en Word-fil."},
    )  # fmt: skip


class PreviewForm(forms.Form):
    case = forms.CharField(
        label=_("Case number"), required=False, max_length=40,
        help_text=_("A case you may read, e.g. KS 2026/12; empty: a made-up case."),
    )  # fmt: skip
