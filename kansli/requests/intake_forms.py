"""The forms of a request's intake: the public form (no login), the staff's
registration of a request taken by phone, at the counter or by letter, and the items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.inputs import LARGEST
from kansli.org.models import Authority
from kansli.registry.forms import AccessibleForm
from kansli.registry.models import Document
from kansli.requests.models import Channel


class PublicRequestForm(AccessibleForm):
    """Anyone's request (TF 2 kap. 15 och 18 §§): only the documents are needed."""

    authority = forms.ModelChoiceField(
        label=_("Which authority has the documents?"),
        queryset=Authority.objects.none(),
        empty_label=_("Choose an authority"),
    )
    description = forms.CharField(
        label=_("Which documents do you want?"),
        help_text=_("For example the case number, a date, a subject or who sent it."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("E-mail or postal address"),
        help_text=_("So that we can send you the documents or answer you."),
        max_length=300,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority = self.fields["authority"]
        assert isinstance(authority, forms.ModelChoiceField)
        authority.queryset = Authority.objects.valid_on().order_by("name")


class StaffRequestForm(PublicRequestForm):
    """A request taken by phone, at the counter or by letter, registered by staff."""

    channel = forms.ChoiceField(
        label=_("How did the request come in?"),
        choices=[(c.value, c.label) for c in Channel if c != Channel.WEB],
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        help_text=_("Leave empty for now. Format: 2026-12-04 09:30."),
        required=False,
    )

    def __init__(self, *args: Any, authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        authority = self.fields["authority"]
        assert isinstance(authority, forms.ModelChoiceField)
        authority.queryset = authorities
        authority.label = _("Authority")
        self.fields["description"].label = _("Documents asked for")
        self.fields["name"].label = _("Requester's name")
        self.fields["contact"].label = _("E-mail or postal address")
        self.fields["contact"].help_text = ""


class ItemForm(AccessibleForm):
    """A document asked for: its number when known, else the requester's words."""

    number = forms.CharField(
        label=_("Document number"), help_text=_("For example KS 2026/14-2."),
        max_length=40, required=False,
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), max_length=500, required=False,
        help_text=_("When the document is not yet found: what the requester asked for."),
    )  # fmt: skip
    sometimes_needed = ("number", "description")

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip()


class LinkForm(AccessibleForm):
    number = forms.CharField(
        label=_("Document number"), help_text=_("For example KS 2026/14-2."), max_length=40
    )


def find_document(number: str, visible: Any) -> Document | None:
    """The registered document with the number (KS 2026/14-2) among `visible`."""
    try:
        series, rest = number.strip().rsplit(" ", 1)
        year, tail = rest.split("/", 1)
        numbers = [int(part) for part in (year, *tail.split("-", 1))]
        year_, case_number, document_number = numbers
    except ValueError:
        return None
    if not all(0 < n <= LARGEST for n in numbers):
        return None
    return (
        visible.filter(
            case__authority__code__iexact=series.strip(), case__year=year_,
            case__number=case_number, number=document_number,
        ).select_related("case__authority").first()
    )  # fmt: skip
