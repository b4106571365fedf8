"""`{{ stored.content_type|file_kind }}`: a file's type as its usual name ending says
it (PDF, DOCX, EML), from the type read from its content when it was stored.
`{{ stored.active_content|active_kinds }}`: what a PDF can run or carry, in words."""

from __future__ import annotations

from django import template

from kansli.files.detect import BY_MIME
from kansli.files.pdfactive import describe

register = template.Library()


@register.filter
def file_kind(content_type: str) -> str:
    file_type = BY_MIME.get(content_type)
    if file_type is None or not file_type.extensions:
        return content_type
    return file_type.extensions[0].lstrip(".").upper()


@register.filter
def active_kinds(active_content: str) -> str:
    return describe(active_content.split(","))
