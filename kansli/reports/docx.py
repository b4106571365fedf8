"""The report as a Word file (DOCX) and back: each section under a "Heading 2"
paragraph with its Swedish heading, so that a file edited in Word is read back into the
editor by those headings."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError

HEADINGS = {
    "summary": "Sammanfattning",
    "background": "Bakgrund",
    "assessment": "Bedömning",
    "consequences": "Konsekvenser",
    "proposal": "Förslag till beslut",
    "appendices": "Bilagor",
}
NOT_READ = "Filen kunde inte läsas som ett Word-dokument (DOCX)."
NO_SECTIONS = (
    "Hittade inga avsnitt i filen. Behåll rubrikerna (Sammanfattning, Bakgrund, Bedömning, "
    "Konsekvenser, Förslag till beslut) som formatet Rubrik 2."
)


def report_docx(context: dict[str, Any]) -> bytes:
    """The tjänsteskrivelse: authority, case number, date and officer, the heading as
    "Heading 1", then each section as "Heading 2" with its text."""
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_paragraph(context["authority"])
    word.add_paragraph(f"Dnr {context['case_number']}")
    word.add_paragraph(f"{context['date']}  Handläggare: {context['officer']}")
    word.add_heading(context["heading"], level=1)
    for key, heading in HEADINGS.items():
        word.add_heading(heading, level=2)
        if key == "appendices":
            for line in context["appendices"]:
                word.add_paragraph(line)
            continue
        for line in context[key].splitlines() or [""]:
            word.add_paragraph(line)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def read_sections(data: bytes) -> dict[str, str]:
    """The heading (the first "Heading 1") and the text under each section heading of a
    DOCX; appendices are chosen among the case's documents and are not read back.
    Refused when the file is no DOCX or has none of the headings."""
    from docx import Document as WordDocument

    try:
        word = WordDocument(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a broken file
        raise ValidationError({"upload": NOT_READ}) from error
    by_heading = {heading.casefold(): key for key, heading in HEADINGS.items()}
    found: dict[str, list[str]] = {}
    heading = ""
    current: str | None = None
    for paragraph in word.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "").casefold()
        text = paragraph.text.strip()
        if style in ("heading 1", "title") and not heading:
            heading, current = text, None
        elif style.startswith("heading") and text.casefold() in by_heading:
            current = by_heading[text.casefold()]
            found[current] = []
        elif current is not None:
            found[current].append(paragraph.text.rstrip())
    found.pop("appendices", None)
    if not found:
        raise ValidationError({"upload": NO_SECTIONS})
    sections = {key: "\n".join(lines).strip() for key, lines in found.items()}
    if heading:
        sections["heading"] = heading
    return sections
