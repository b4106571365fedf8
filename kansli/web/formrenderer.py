"""Form fields drawn in Python. Django draws every input, every option of a list and every
(empty) error list through a template of its own: on the public diary's search page that
was a quarter of the request. This renderer writes the same markup as Django's built-in
templates for them (django/forms/templates/django/forms/widgets/ and errors/list/), and
hands every other template to the template engine as before. The engine of Django's
DjangoTemplates renderer finds those built-in templates before any app's, so no app can
override them there. tests/test_formrenderer.py compares the two on every widget."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

Drawn = Mapping[str, Any]  # a widget's or an error list's template context
INPUTS = ("input", "text", "number", "email", "url", "password", "hidden", "date",
          "datetime", "time", "search", "tel", "color", "file", "checkbox")  # fmt: skip
OPTION = "django/forms/widgets/select_option.html"


# What a template's {{ value }} reads of its context: the settings' time zone and
# localisation, autoescape on.
_TEMPLATE = Context()


def _shown(value: Any) -> str:
    """What `{{ value }}` writes (Django's own function for it): a number, date or time
    localised (a time in the local zone), then escaped unless marked safe."""
    return render_value_in_context(value, _TEMPLATE)


def _formatted(value: Any) -> str:
    """What `{{ value|stringformat:'s' }}` writes: the value as text, escaped unless it
    was marked safe (an object with __html__ of its own is escaped all the same)."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    drawn = []
    for name, value in attrs.items():
        if value is False:
            continue
        drawn.append(f" {_shown(name)}")
        if value is not True:
            drawn.append(f'="{_formatted(value)}"')
    return "".join(drawn)


def _input(context: Drawn) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" '
        f'name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _option(option: Drawn) -> str:
    """select_option.html, with the newline that ends its file."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _select(context: Drawn) -> str:
    widget = context["widget"]
    drawn = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            drawn.append(f'\n  <optgroup label="{_shown(group_name)}">')
        drawn += [f"\n  {_option(option)}" for option in group_choices]
        if group_name:
            drawn.append("\n  </optgroup>")
    drawn.append("\n</select>")
    return "".join(drawn)


def _textarea(context: Drawn) -> str:
    widget = context["widget"]
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _errors(context: Drawn) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    where = f' id="{_shown(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_shown(error)}</li>" for error in errors)
    return f'<ul class="{_shown(context["error_class"])}"{where}>{items}</ul>'


DRAWN: dict[str, Callable[[Drawn], str]] = {
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
}


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with the built-in widgets and error lists drawn in
    Python (settings.FORM_RENDERER)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = DRAWN.get(template_name)
        if draw is None or not self._plain_options(template_name, context):
            return super().render(template_name, context, request)
        return draw(context)

    @staticmethod
    def _plain_options(template_name: str, context: dict[str, Any]) -> bool:
        """A select whose options some widget draws with a template of its own goes to
        the engine whole."""
        if template_name != "django/forms/widgets/select.html":
            return True
        groups = context["widget"]["optgroups"]
        return all(
            option["template_name"] == OPTION for _n, choices, _i in groups for option in choices
        )
