"""Document types in use: the plan's answer to the registry's question which types a
case's documents may have (kansli.registry.document_types, registered in
RetentionConfig.ready), and linking the types registered as free text before a plan
was in force to the plan's types (`kansli retention link-types`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kansli.audit.chain import record
from kansli.csvcells import csv_bytes
from kansli.org.models import Authority
from kansli.org.permissions import is_sysadmin
from kansli.registry.document_types import TypeOption, type_sources
from kansli.registry.models import Case, Document, DocumentType
from kansli.registry.models.types import fold
from kansli.retention.models import Handling, PlanRule, effective_rules


def applies(rule: PlanRule, code: str) -> bool:
    """Whether the rule's process is the process or one of its parents (2 and 2.3 for
    2.3.1), or the rule is for every process."""
    own = rule.process_code
    return not own or code == own or code.startswith(own + ".")


def type_options(case: Case) -> list[TypeOption] | None:
    """The types of the plan in force for the case's authority today (the shared plan
    with the authority's own laid over it) in the case's process, its parent processes
    and every process; of a type named in several, the most specific process's rule
    says whether it is registered. An unclassified case may have any type of the plan
    (registered if any process registers it). None: no plan in force."""
    rules = effective_rules(case.authority)
    if not rules:
        return None
    code = case.classification.code if case.classification is not None else None
    chosen: dict[str, PlanRule] = {}
    registered: dict[str, bool] = {}
    for rule in rules:
        key = fold(rule.document_type)
        if code is None:
            chosen.setdefault(key, rule)
            registered[key] = registered.get(key, False) or rule.handling == Handling.REGISTERED
        elif applies(rule, code):
            best = chosen.get(key)
            if best is None or len(rule.process_code) > len(best.process_code):
                chosen[key] = rule
                registered[key] = rule.handling == Handling.REGISTERED
    return [
        TypeOption(rule.document_type, registered[key], rule.kind_id)
        for key, rule in chosen.items()
    ]


def register() -> None:
    """Answer the registry's question (from RetentionConfig.ready), once."""
    if type_options not in type_sources:
        type_sources.append(type_options)


@dataclass
class Unmatched:
    """A type as registered that the plan in force does not name: how many documents,
    and a few of them to look at."""

    authority: str
    text: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class LinkReport:
    linked: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def unmatched_documents(self) -> int:
        return sum(row.count for row in self.unmatched)

    def csv(self) -> bytes:
        rows = [(r.authority, r.text, r.count, ", ".join(r.examples)) for r in self.unmatched]
        return csv_bytes(["Myndighet", "Handlingstyp", "Antal", "Exempel"], rows)


EXAMPLES = 3


@transaction.atomic
def do_link_types(*, dry_run: bool = False, actor: Any = None) -> LinkReport:
    """Give each document registered with a type as free text (kind empty) the type the
    plan in force for its authority names the same, letter case and spacing aside, in
    whatever process; the registered text stays as it was. What no plan names is
    reported: the text, how many documents and up to three of their numbers. With
    dry_run nothing is changed. One audit event with the counts. The system or a system
    administrator (`kansli retention link-types`)."""
    if actor is not None and not is_sysadmin(actor):
        raise PermissionDenied("Bara systemet eller en systemadministratör kopplar handlingstyper.")
    report = LinkReport()
    documents = (
        Document.objects.filter(kind__isnull=True)
        .exclude(document_type="")
        .select_related("case__authority", "case__series")
        .order_by("case__authority__code", "case__year", "case__number", "number")
    )
    kinds: dict[int, dict[str, int | None]] = {}  # authority → folded name → type
    linking: dict[int, list[int]] = {}  # type → documents
    missing: dict[tuple[str, str], Unmatched] = {}
    for document in documents.iterator(chunk_size=2000):
        authority = document.case.authority
        if authority.pk not in kinds:
            kinds[authority.pk] = _plan_kinds(authority)
        key = fold(document.document_type)
        kind_id = kinds[authority.pk].get(key)
        if kind_id is not None:
            linking.setdefault(kind_id, []).append(document.pk)
            continue
        row = missing.setdefault(
            (authority.code, key),
            Unmatched(authority.code, " ".join(document.document_type.split())),
        )
        row.count += 1
        if len(row.examples) < EXAMPLES:
            row.examples.append(document.document_number)
    report.linked = sum(len(ids) for ids in linking.values())
    report.unmatched = sorted(missing.values(), key=lambda r: (r.authority, -r.count, r.text))
    if dry_run:
        return report
    for kind_id, ids in linking.items():
        for start in range(0, len(ids), 1000):
            Document.objects.filter(pk__in=ids[start : start + 1000]).update(kind_id=kind_id)
    record(
        actor=actor,
        action="retention.link_types",
        after={
            "linked": report.linked,
            "unmatched": report.unmatched_documents,
            "unmatched_types": len(report.unmatched),
        },
    )
    return report


def _plan_kinds(authority: Authority) -> dict[str, int | None]:
    """The types of the plan in force for the authority today, by folded name."""
    found: dict[str, int | None] = {}
    for rule in effective_rules(authority):
        kind_id = rule.kind_id
        if kind_id is None:
            named = DocumentType.objects.named(authority.municipality_id, rule.document_type)
            kind_id = named.pk if named else None
        if kind_id is not None:
            found.setdefault(fold(rule.document_type), kind_id)
    return found
