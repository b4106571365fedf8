"""Standardised naming in the diary (the Sollentuna seed: "standardiserad namngivning"):
the rule for a document type, and the warnings a registrar gets for a case title or a
document description that breaks the municipality's rules. Warnings, never refusals:
the registrar may have a reason (an acronym, a name that is all capitals).

Personal identity numbers in titles are warned about by kansli.registry.personal_numbers,
as in every text field of the registration."""

from __future__ import annotations

import re

from kansli.registry.models import NamingRule

# A title that is a file's name: the scanner's or the attachment's, not a description.
_FILE_NAME = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|txt|msg|eml|jpe?g|png|tiff?|heic|zip)\s*$"
    r"|^[^\s]*_[^\s]*$",
    re.IGNORECASE,
)
CAPITALS_FROM = 8  # letters: "KS", "BUN" or "LSS" alone are not shouting


def title_warnings(label: str, text: str) -> list[str]:
    """The warnings, in Swedish, for the title or description `text` (named `label`)."""
    text = text.strip()
    warnings = []
    if text and _FILE_NAME.search(text):
        warnings.append(
            f"{label} ser ut som ett filnamn ({text}). Beskriv vad handlingen är, "
            "t.ex. ”Ansökan om bygglov – Storgatan 1”."
        )
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= CAPITALS_FROM and all(c.isupper() for c in letters):
        warnings.append(f"{label} är skriven med versaler. Skriv med vanliga gemener.")
    return warnings


def rule_for(document_type: str) -> NamingRule | None:
    """The rule in use for a document type, whatever its case."""
    if not document_type.strip():
        return None
    rules = NamingRule.objects.filter(active=True, document_type__iexact=document_type.strip())
    return rules.first()


def breaks_rule(rule: NamingRule, description: str) -> bool:
    """Whether the description does not begin with the rule's fixed words."""
    start = rule.fixed_start.strip()
    return bool(description.strip()) and not description.strip().casefold().startswith(
        start.casefold()
    )
