"""The form of a handbook page: it parses input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.handbook.models import TEMPLATE_KINDS, DocumentType, Step
from kansli.org.models import Authority, Municipality, User
from kansli.registry.forms import AccessibleForm


class RoutineForm(AccessibleForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text. A line starting with ## is a heading, lines starting with - a list."
        ),
    )
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    approving_authority = forms.ModelChoiceField(
        label=_("Approving authority"), queryset=Authority.objects.none(), required=False
    )
    approving_body = forms.CharField(
        label=_("Approved by (other)"), max_length=200, required=False,
        help_text=_("For example the municipal director, when not an authority."),
    )  # fmt: skip
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    public = forms.BooleanField(
        label=_("Public"), required=False,
        help_text=_("Also shown on the public site. Otherwise only staff read it."),
    )  # fmt: skip
    steps = forms.MultipleChoiceField(
        label=_("Process steps"), choices=Step.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    template_kinds = forms.MultipleChoiceField(
        label=_("Templates"), choices=[(k, k) for k in TEMPLATE_KINDS], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(
            is_active=True, roles__authority__municipality=municipality
        ).distinct()
        approving = self.fields["approving_authority"]
        assert isinstance(approving, forms.ModelChoiceField)
        approving.queryset = Authority.objects.valid_on().filter(municipality=municipality)
