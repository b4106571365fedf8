"""Forms for granting access and adding access group members."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.access.rules import STAFF_ROLES
from kansli.inputs import DayField
from kansli.org.models import RoleAssignment, User
from kansli.registry.forms import AccessibleForm


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


def staff_of(municipality_id: int) -> Any:
    """The people with a staff role in the municipality today."""
    held = RoleAssignment.objects.valid_on().filter(
        role__in=STAFF_ROLES, authority__municipality_id=municipality_id
    )
    return User.objects.filter(pk__in=held.values("user_id"), is_active=True).order_by(
        "last_name", "first_name", "username"
    )


class PersonForm(AccessibleForm):
    user = PersonField(
        User.objects.none(), label=_("Person"), empty_label=_("Choose a person"),
        error_messages={"required": _("Choose a person.")},
    )  # fmt: skip

    def __init__(self, municipality_id: int, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_of(municipality_id)


class GrantForm(PersonForm):
    last_day = DayField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the last day."),
                        "invalid": _("Enter a date as YYYY-MM-DD.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why access is given.")},
    )  # fmt: skip
