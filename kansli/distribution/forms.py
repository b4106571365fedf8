"""The forms of the sändlistor pages; the actions check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.distribution.actions import NAME_MAX
from kansli.distribution.models import Channel, DistributionList, Member
from kansli.org.models import Authority
from kansli.registry.forms import AccessibleForm


class NameForm(AccessibleForm):
    name = forms.CharField(label=_("Name of the list"), max_length=NAME_MAX)


class NewListForm(NameForm):
    keeper = forms.ChoiceField(
        label=_("Kept by"),
        help_text=_("An authority's list, or one shared across the municipality."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keeper"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class MemberForm(AccessibleForm):
    sometimes_needed = ("username", "authority", "name", "email", "postal_address")
    kind = forms.ChoiceField(label=_("Recipient"), choices=Member.Kind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    username = forms.CharField(
        label=_("User name"), required=False, help_text=_("For a user of Kansli.")
    )
    authority = forms.ModelChoiceField(
        label=_("Authority"), queryset=Authority.objects.none(), required=False,
        help_text=_("For an authority."),
    )  # fmt: skip
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    postal_address = forms.CharField(
        label=_("Postal address"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for letters."),
    )  # fmt: skip

    def __init__(self, *args: Any, dlist: DistributionList, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Authority.objects.filter(municipality=dlist.municipality)


class SendForm(AccessibleForm):
    dlist = forms.ModelChoiceField(
        label=_("Distribution list"), queryset=DistributionList.objects.none()
    )

    def __init__(self, *args: Any, lists: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dlist"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lists


class ReferralForm(SendForm):
    reply_by = forms.DateField(
        label=_("Reply by"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the answers are due."),
    )  # fmt: skip
