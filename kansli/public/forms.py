"""The public e-diary's search form: words or a case number, and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.registry.forms import DATE, AccessibleForm
from kansli.registry.models import Direction
from kansli.rows import execute

# The message without the value typed (a choice field's names it).
NOT_ONE_OF_THEM = forms.ModelChoiceField.default_error_messages["invalid_choice"]

AUTHORITIES = """
SELECT id, code, name FROM org_authority
WHERE valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)
ORDER BY name, id"""


class DiarySearchForm(AccessibleForm):
    q = forms.CharField(label=_("Search words or case number"), required=False, max_length=200)
    myndighet = forms.ChoiceField(
        label=_("Authority"), required=False,
        error_messages={"invalid_choice": NOT_ONE_OF_THEM},
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
        # The authorities of today (DatedQuerySet.valid_on) as one plain statement for
        # the list and the check: every diary page makes this form, and composing the
        # query through the ORM cost more than running it (bench/public.py).
        valid = execute(AUTHORITIES, [timezone.localdate()] * 2).fetchall()
        self.authorities = {code: pk for pk, code, _name in valid}
        field = self.fields["myndighet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All authorities")), *((c, f"{n} ({c})") for _pk, c, n in valid)]

    def clean_myndighet(self) -> int | None:
        """The chosen authority's id (the field has checked that it is one of them)."""
        code = self.cleaned_data["myndighet"]
        return self.authorities[code] if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("fran"), data.get("till")
        if first and last and first > last:
            self.add_error("till", _("The to date is before the from date."))
        if first and first > timezone.localdate():
            self.add_error("fran", _("The from date is in the future."))
        return data
