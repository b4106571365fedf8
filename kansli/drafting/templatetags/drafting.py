"""The kinds of document, for the case page's list of what can be made from a case
(registry/case_detail.html), without the registry importing the drafting app."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from kansli.drafting.kinds import KINDS

register = template.Library()


@register.simple_tag
def drafting_kinds() -> list[tuple[str, str]]:
    return [(key, kind.title) for key, kind in KINDS.items()]


@register.filter
def css_string(value: object) -> SafeString:
    """A text as the inside of a CSS string in a <style> element, where HTML entities
    are not decoded: backslash, quote and line breaks escaped, and `<` as well, so that
    the text can neither end the string nor the element."""
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ('"', "\\22 "), ("<", "\\3c "), (">", "\\3e ")):
        text = text.replace(char, escaped)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\a ")
    return mark_safe(text)  # noqa: S308 -- every character that could end the string is escaped
