"""The public e-diary's search form: words or a case number, and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.org.models import Authority
from kansli.registry.forms import DATE, AccessibleForm
from kansli.registry.models import Direction


class AuthorityField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class DiarySearchForm(AccessibleForm):
    q = forms.CharField(label=_("Search words or case number"), required=False, max_length=200)
    myndighet = AuthorityField(
        Authority.objects.all(), label=_("Authority"), required=False, to_field_name="code",
        empty_label=_("All authorities"),
    )  # fmt: skip
    riktning = forms.ChoiceField(
        label=_("Direction"), required=False,
        choices=[("", _("All directions")), *Direction.choices],
    )  # fmt: skip
    typ = forms.CharField(label=_("Document type"), required=False, max_length=100)
    fran = DayField(label=_("From date"), required=False, error_messages=DATE,
                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    till = DayField(label=_("To date"), required=False, error_messages=DATE,
                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["myndighet"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Authority.objects.valid_on().order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("fran"), data.get("till")
        if first and last and first > last:
            self.add_error("till", _("The to date is before the from date."))
        if first and first > timezone.localdate():
            self.add_error("fran", _("The from date is in the future."))
        return data
