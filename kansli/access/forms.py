"""Forms for granting access, adding access group members and choosing a case's access
group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.access.models import AccessGroup
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


class CaseGroupForm(AccessibleForm):
    """The access group of a case, among its authority's (access.actions.do_move_case_to_group)."""

    group = forms.ModelChoiceField(
        AccessGroup.objects.none(),
        label=_("Access group"),
        empty_label=None,
        help_text=_(
            "Moving the case to another group changes who may read its secrecy-marked "
            "documents: the members of the chosen group may, those of the group it is in "
            "now no longer may (unless they are its officer or hold a grant for it)."
        ),
    )

    def __init__(self, case: Any, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.groups = AccessGroup.objects.filter(authority_id=case.authority_id)
        self.current = case.access_group_id
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = self.groups
        field.initial = self.current

    def has_choice(self) -> bool:
        """Whether there is another group to move the case to."""
        return self.groups.exclude(pk=self.current).exists()
