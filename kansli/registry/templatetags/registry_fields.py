"""`{% include "registry/includes/field.html" with field=field optional=field|optional_field %}`:
whether a field's label says "(optional)". Only a field that is never needed does; one
needed in some cases (its form's `sometimes_needed`, e.g. the reason for voiding) says
when in its hint instead, so no field labelled optional is ever refused as missing."""

from __future__ import annotations

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def optional_field(field: BoundField) -> bool:
    return not field.field.required and field.name not in getattr(
        field.form, "sometimes_needed", ()
    )
