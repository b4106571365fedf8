"""A report edited in Word, read back: the drafting template (kansli.drafting, kind
"report") writes each section under a "Heading 2" paragraph with its Swedish heading,
and the text under those headings is what the editor gets back."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError

from kansli.drafting.kinds import KINDS

# The sections by their context key, as the drafting template heads them.
HEADINGS = dict(KINDS["report"].sections)
NOT_READ = "Filen kunde inte läsas som ett Word-dokument (DOCX)."
NO_SECTIONS = (
    "Hittade inga avsnitt i filen. Behåll rubrikerna (Sammanfattning, Bakgrund, Bedömning, "
    "Konsekvenser, Förslag till beslut) som formatet Rubrik 2."
)


def read_sections(data: bytes) -> dict[str, str]:
    """The report's heading (the first "Heading 1") and the text under each section
    heading of a DOCX; appendices are chosen among the case's documents and are not read back.
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
        if style == "heading 1" and not heading:  # under the kind's title ("Title")
            heading, current = text, None
        elif style.startswith("heading") and text.casefold() in by_heading:
            current = by_heading[text.casefold()]
            found[current] = []
        elif current is not None:
            found[current].append(paragraph.text.rstrip())
    found.pop("appendices", None)
    if not found:
        raise ValidationError({"upload": NO_SECTIONS})
    # One paragraph per line, as drafting writes a text (its empty lines left out).
    sections = {key: "\n".join(t for t in lines if t.strip()) for key, lines in found.items()}
    if heading:
        sections["heading"] = heading
    return sections
