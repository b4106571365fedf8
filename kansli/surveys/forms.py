"""The forms of the survey pages: they parse input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kansli.registry.forms import AccessibleForm
from kansli.surveys.models import FollowUp, Statement, Survey

DONT_KNOW = "vet_ej"
SCALE_CHOICES = [
    ("1", _("1 – disagree completely")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", _("5 – agree completely")),
    (DONT_KNOW, _("Don't know")),
]


class SurveyForm(AccessibleForm):
    authority = forms.ChoiceField(label=_("Authority"))
    title = forms.CharField(label=_("Title"), max_length=200)
    to_officers = forms.BooleanField(label=_("To officers"), required=False)
    to_members = forms.BooleanField(label=_("To elected members"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous"), required=False,
        help_text=_("The answers are kept without any link to the person."),
    )  # fmt: skip
    with_comment = forms.BooleanField(label=_("Free-text comment"), required=False)
    results_to_respondents = forms.BooleanField(
        label=_("Respondents may read the results"), required=False
    )
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Survey.Recurrence.choices)
    window_days = forms.IntegerField(label=_("Days open for answers"), min_value=1, max_value=90)
    statements = forms.CharField(
        label=_("Statements"), widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One statement a line, answered on the scale 1–5."),
    )  # fmt: skip

    def __init__(self, *args: Any, authorities: list[tuple[str, str]] | None = None, **kw: Any):
        super().__init__(*args, **kw)
        if authorities is None:
            del self.fields["authority"]
        else:
            self.fields["authority"].choices = authorities  # type: ignore[attr-defined]

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ["to_officers", "to_members", "anonymous", "with_comment",
                 "results_to_respondents", "recurrence", "window_days"]  # fmt: skip
        return {name: data[name] for name in names}

    def statement_texts(self) -> list[str]:
        return self.cleaned_data["statements"].splitlines()


class AnswerForm(AccessibleForm):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, statements: list[Statement], comment: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.statements = statements
        for statement in statements:
            self.fields[f"s{statement.pk}"] = forms.ChoiceField(
                label=statement.text, choices=SCALE_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": "Välj ett svar."},
            )  # fmt: skip
        self.fields["comment"] = self.fields.pop("comment")
        if not comment:
            del self.fields["comment"]

    def values(self) -> dict[int, int | None]:
        found = {}
        for statement in self.statements:
            raw = self.cleaned_data[f"s{statement.pk}"]
            found[statement.pk] = None if raw == DONT_KNOW else int(raw)
        return found


class FollowUpForm(AccessibleForm):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Owner"))
    due = forms.DateField(
        label=_("Due"), error_messages={"invalid": "Ange ett datum som ÅÅÅÅ-MM-DD."},
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    statements = forms.MultipleChoiceField(
        label=_("Statements it answers"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, owners: list[tuple[str, str]],
                 statements: list[tuple[str, str]], **kw: Any) -> None:  # fmt: skip
        super().__init__(*args, **kw)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]
        self.fields["statements"].choices = statements  # type: ignore[attr-defined]


class StatusForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)
