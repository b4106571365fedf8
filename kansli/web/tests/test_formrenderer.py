"""The form renderer draws Django's built-in widgets and error lists in Python: the
markup must be the template engine's, character for character, for every widget, value
and error, hostile text included, and anything it does not draw goes to the engine."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kansli.public.forms import DiarySearchForm
from kansli.web.formrenderer import FormRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'
CHOICES = [
    ("", "Välj"), ("a", "Å & Ö <b>"), (1, 2), ("d", decimal.Decimal("1.5")),
    ("t", datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC)),
    ("Grupp <1>", [("g1", "Ett"), ("g2", mark_safe("<em>Två</em>"))]),
    (datetime.date(2026, 1, 2), [("g3", datetime.date(2026, 1, 2))]),
]  # fmt: skip


class OwnHtml:
    """Not a string, with __html__ of its own: the templates' stringformat escapes it."""

    def __html__(self) -> str:
        return '<b x="1">'

    def __str__(self) -> str:
        return self.__html__()


class Everything(forms.Form):
    text = forms.CharField(
        max_length=5, help_text="En ledtråd",
        widget=forms.TextInput(attrs={"title": OwnHtml(), "data-n": 1.5}),
    )  # fmt: skip
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "data-x": HOSTILE}))
    checkbox = forms.BooleanField(required=False)
    textarea = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    select = forms.ChoiceField(choices=CHOICES, required=False)
    several = forms.MultipleChoiceField(choices=CHOICES, required=False)
    yes_no = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)
    upload = forms.FileField(required=False)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "autofocus": True,
                                                           "disabled": False}))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError(["Hela formuläret <fel>", mark_safe("<i>säker</i>")])


BOUND = [
    None,
    {"text": HOSTILE, "number": "-1", "email": "inte", "url": HOSTILE, "password": HOSTILE,
     "hidden": HOSTILE, "day": "2026-13-40", "checkbox": "on", "textarea": f"\n{HOSTILE}",
     "select": "g2", "several": ["a", "1", "g1"], "yes_no": "true", "radio": "a",
     "search": "0"},
    {"text": "", "number": "0", "textarea": "", "select": "1", "several": ["nej"]},
]  # fmt: skip


def drawn(form_class: type[forms.Form], data: Any, renderer: Any) -> list[str]:
    form = form_class(data, renderer=renderer)
    if data is not None:
        form.is_valid()
    markup = [str(form.non_field_errors())]
    for field in form:
        markup += [str(field), str(field.errors), field.as_hidden()]
    return markup


@pytest.mark.parametrize("data", BOUND, ids=["unbound", "hostile", "empty"])
def test_every_widget_is_drawn_as_the_templates_draw_it(data: Any) -> None:
    ours = drawn(Everything, data, FormRenderer())
    assert ours == drawn(Everything, data, DjangoTemplates())
    joined = "".join(ours)
    assert data is None or ("<script>" not in joined and "&lt;script&gt;" in joined)
    assert 'title="&lt;b x=&quot;1&quot;&gt;"' in joined
    assert ">1,5</option>" in joined and ">2 januari 2026 00:30</option>" in joined
    if data:
        assert '<ul class="errorlist nonfield"><li>Hela formuläret &lt;fel&gt;</li>' in joined
        assert "<li><i>säker</i></li>" in joined  # marked safe: left as it is


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"q": HOSTILE, "myndighet": HOSTILE, "fran": "x"}])
def test_the_diary_search_form_is_the_same(data: Any) -> None:
    assert drawn(DiarySearchForm, data, FormRenderer()) == drawn(
        DiarySearchForm, data, DjangoTemplates()
    )


def test_an_option_with_a_template_of_its_own_goes_to_the_engine() -> None:
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/attrs.html"

    class Form(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=Fancy)

    assert drawn(Form, {"pick": "a"}, FormRenderer()) == drawn(
        Form, {"pick": "a"}, DjangoTemplates()
    )


def test_the_setting_uses_it() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
