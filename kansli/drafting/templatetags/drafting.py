"""The kinds of document, for the case page's list of what can be made from a case
(registry/case_detail.html), without the registry importing the drafting app."""

from django import template

from kansli.drafting.kinds import KINDS

register = template.Library()


@register.simple_tag
def drafting_kinds() -> list[tuple[str, str]]:
    return [(key, kind.title) for key, kind in KINDS.items()]
