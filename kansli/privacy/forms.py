"""The person search's form: it parses and checks the input; the action decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kansli.inputs import NUL_OR_SURROGATE, unstorable
from kansli.privacy.finder import Person
from kansli.registry.forms import AccessibleForm
from kansli.registry.personal_numbers import find

NAME_MAX = 200
NUMBER_MAX = 20
MAX_WORDS = 10
INVALID_NUMBER = _("Give a valid personal identity number: YYYYMMDD-NNNN or YYMMDD-NNNN.")


def _storable(value: str) -> None:
    if unstorable(value):
        raise ValidationError(NUL_OR_SURROGATE, code="unstorable")


def person_name(value: str) -> str:
    """The name with single spaces; a ValidationError when it has fewer than two letters
    or more than MAX_WORDS words (each word is a condition of the search)."""
    name = " ".join(value.split())
    if name and sum(c.isalpha() for c in name) < 2:
        raise ValidationError(_("Give at least two letters of the name."), code="short")
    if len(name.split()) > MAX_WORDS:
        raise ValidationError(_("Give at most ten words of the name."), code="long")
    return name


def personal_number(value: str) -> str:
    """The one personal identity (or co-ordination) number `value` is, as find() writes
    it; a ValidationError when it is not exactly one valid number."""
    value = value.strip()
    found = find(value)
    digits = "".join(c for c in value if c.isdigit())
    if len(found) != 1 or len(digits) not in (10, 12) or len(value) > 13:
        raise ValidationError(INVALID_NUMBER, code="invalid")
    return found[0]


class PersonSearchForm(AccessibleForm):
    authority = forms.ChoiceField(label=_("Authority"))
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=NAME_MAX,
        validators=[_storable],
        error_messages={"max_length": _("The name may be at most 200 characters.")},
        help_text=_("Every word of the name is looked for, in any order."),
    )
    personnummer = forms.CharField(
        label=_("Personal identity number"),
        required=False,
        max_length=NUMBER_MAX,
        validators=[_storable],
        error_messages={
            "max_length": _("Give a valid personal identity number: YYYYMMDD-NNNN or YYMMDD-NNNN.")
        },
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN; a co-ordination number too."),
    )

    def __init__(self, *args: Any, authorities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = authorities  # type: ignore[attr-defined]
        if len(authorities) == 1:
            # The one authority the user searches at is chosen without asking.
            self.fields["authority"].required = False
            self.fields["authority"].initial = authorities[0][0]
            self.fields["authority"].widget = forms.HiddenInput()

    def clean_authority(self) -> str:
        value: str = self.cleaned_data.get("authority") or ""
        return value or str(self.fields["authority"].initial or "")

    def clean_q(self) -> str:
        return person_name(str(self.cleaned_data.get("q") or ""))

    def clean_personnummer(self) -> str:
        value = str(self.cleaned_data.get("personnummer") or "").strip()
        return personal_number(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("q") and not data.get("personnummer"):
            raise ValidationError(_("Give a name or a personal identity number."), code="empty")
        return data

    def person(self) -> Person:
        return Person(self.cleaned_data["q"], self.cleaned_data["personnummer"])
