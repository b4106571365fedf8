"""The forms of the review of one document asked for (OSL 6 kap., 10 kap. 14 §)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.registry.forms import AccessibleForm
from kansli.registry.models import SecrecyProvision
from kansli.requests.actions.review import DECISIONS
from kansli.requests.models import Review


class ReviewForm(AccessibleForm):
    review = forms.ChoiceField(
        label=_("Decision"),
        choices=[(r.value, r.label) for r in Review if r in DECISIONS],
        widget=forms.RadioSelect,
    )
    provisions = forms.ModelMultipleChoiceField(
        label=_("Provisions"),
        help_text=_("Needed for redaction and refusal: what in OSL withholds it."),
        queryset=SecrecyProvision.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        help_text=_("Needed when disclosed with conditions (OSL 10 kap. 14 §)."),
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    reasons = forms.CharField(
        label=_("Grounds"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    sometimes_needed = ("provisions", "conditions")


class ReferForm(AccessibleForm):
    to = forms.CharField(label=_("Authority referred to"), max_length=200)
    note = forms.CharField(
        label=_("Why"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
