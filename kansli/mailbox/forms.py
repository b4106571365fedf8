"""The form that forwards misaddressed mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import InboxItem


class ForwardForm(AccessibleForm):
    """Where the item goes: another authority in Kansli, or an outside address."""

    sometimes_needed = ("to_authority", "to_address")

    to_authority = forms.ModelChoiceField(
        Authority.objects.none(),
        label=_("To an authority in Kansli"),
        required=False,
        help_text=_("The item moves to that authority's inbox."),
    )
    to_address = forms.EmailField(
        label=_("Or to an outside e-mail address"),
        required=False,
        max_length=254,
        help_text=_("The item is e-mailed there with the original attached and leaves the inbox."),
    )
    reason = forms.CharField(
        label=_("Why it is forwarded"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, item: InboxItem, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to_authority"]
        field.queryset = Authority.objects.valid_on().exclude(pk=item.authority_id).order_by("name")
