"""The demo's templates: Kommunstyrelsen has its own version of the cover letter (the
default with the office's visiting address added), so that /mallar/ shows a version
and what an authority's own template looks like; the other kinds use the defaults."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kansli.drafting import actions
from kansli.drafting.docx import default_template
from kansli.drafting.models import TemplateVersion
from kansli.org.models import Authority

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load(seed: int, scale: float, report: Any) -> list[Any]:
    from docx import Document as WordDocument

    ks = Authority.objects.filter(code="KS").select_related("municipality").first()
    if ks is None or TemplateVersion.objects.exists():
        return []
    document = WordDocument(io.BytesIO(default_template("cover_letter")))
    document.add_paragraph(
        "Kommunstyrelsens kansli, besöksadress Storgatan 1. Telefon 0247-800 00."
    )
    out = io.BytesIO()
    document.save(out)
    upload = SimpleUploadedFile("foljebrev-ks.docx", out.getvalue(), content_type=DOCX_MIME)
    actions.do_upload_template(
        "cover_letter", upload, municipality=ks.municipality, authority=ks, actor=None
    )
    return []
