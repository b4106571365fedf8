"""Forms for the organisation's actions that are not a model's own form: a new password
(the person's own page and the admin's) and closing a unit (the admin's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kansli.inputs import DayField
from kansli.org.actions import unit_and_parts
from kansli.org.models import Unit


class NewPasswordForm(forms.Form):
    """A new password given twice. The password rules (AUTH_PASSWORD_VALIDATORS) are
    checked by the action, do_set_password; here, that the two are the same."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = password_validation.password_validators_help_texts()
        self.fields["new_password"].help_text = " ".join(rules)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class CloseUnitForm(forms.Form):
    """The last day of a unit and the units that take over its work (do_close_unit)."""

    last_day = DayField(
        label=_("Last day"),
        help_text=_("Its parts still open close on the same day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    successors = forms.ModelMultipleChoiceField(
        label=capfirst(_("succeeded by")),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("The units that take over its work."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Open units outside the one closed (its parts close with it).
        others = Unit.objects.valid_on().filter(municipality=unit.municipality)
        others = others.exclude(pk__in=unit_and_parts(unit))
        self.fields["successors"].queryset = others  # type: ignore[attr-defined]
