"""Which document types a case's documents may have, asked of the document management
plan (informationshanteringsplan) without importing it: kansli.retention, a floor above
(LAYERS.md), registers its answer here in its AppConfig.ready, as it registers its
void guard in kansli.registry.guards.

With a plan in force, a document registered by a person has one of the types the plan
names for the case's process (its own, its parent processes' and those of every
process), spelt as the plan spells them, and the plan says whether it must be
registered or may be kept in order (OSL 5 kap. 1 §). With no plan in force the type is
free text, as before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from kansli.registry.models import Case, DocumentType
from kansli.registry.models.types import fold


@dataclass(frozen=True)
class TypeOption:
    """A type the plan names for a process, and whether the plan says it is registered
    (True) or kept in order (False)."""

    name: str
    must_register: bool
    kind_id: int | None = None  # its registry.DocumentType, when the plan links one

    @property
    def handling(self) -> str:
        return "registreras" if self.must_register else "hålls ordnad"


# Each source answers with the types a case's documents may have, or None: no plan in
# force for the case's authority (then the next source is asked, and at last the type
# is free text).
type_sources: list[Callable[[Case], list[TypeOption] | None]] = []


def type_options(case: Case) -> list[TypeOption] | None:
    """The types valid for the case's process, by name, or None: free text. The case
    may be one not yet saved (the registration form's new case)."""
    for source in type_sources:
        options = source(case)
        if options is not None:
            return sorted(options, key=lambda option: fold(option.name))
    return None


def matching(options: list[TypeOption], text: str) -> TypeOption | None:
    """The option the text names, letter case and spacing aside."""
    wanted = fold(text)
    return next((option for option in options if fold(option.name) == wanted), None)


def not_in_plan(text: str, case: Case) -> str:
    process = f" för processen {case.classification}" if case.classification_id else ""
    return (
        f"Handlingstypen {' '.join(text.split())} finns inte i informationshanteringsplanen"
        f"{process}. Välj en av planens handlingstyper (Arkivlagen 10 §)."
    )


CHOOSE_TYPE = "Välj handlingstyp ur informationshanteringsplanen."


def resolve(
    case: Case, text: str, *, system: bool = False, required: bool = False
) -> tuple[str, DocumentType | None]:
    """The type to store for a document of the case (the plan's spelling) and its
    kind, or a ValidationError on document_type when the plan in force does not name it
    for the case's process. The system (imports from an earlier registry, the disposal
    report) records a type as given and links it when the plan names it; `required`: an
    empty type is refused too while a plan is in force (the form, the API, a
    correction)."""
    text = " ".join(text.split())
    if not text and not required:
        return "", None  # no type given, none asked for: the plan need not be read
    options = type_options(case)
    if options is None:
        return text, _kind(case, text) if text else None
    if not text:
        if required and not system:
            raise ValidationError({"document_type": CHOOSE_TYPE})
        return "", None
    option = matching(options, text)
    if option is None:
        if system:
            return text, _kind(case, text)
        raise ValidationError({"document_type": not_in_plan(text, case)})
    if option.kind_id is not None:
        return option.name, DocumentType.objects.filter(pk=option.kind_id).first()
    return option.name, _kind(case, option.name)


def _kind(case: Case, name: str) -> DocumentType | None:
    return DocumentType.objects.named(case.authority.municipality_id, name)
