"""The record of processing activities (registerförteckning, GDPR art. 30.1), drawn from
the document management plan: one processing per process of the plan in force, with
the controller (the authority), the data protection officer, the kinds of documents
(the categories of data the process holds), whether they are secret by default (OSL),
how long they are kept, where and on what legal basis. Kept up to date by the plan
itself: a new version of the plan changes the record the day it applies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kansli.org.models import Authority, Role, RoleAssignment
from kansli.retention.models import PlanRule, effective_rules
from kansli.retention.pdf import EVERY_PROCESS

HEADER = [
    _("Process"), _("Controller"), _("Data protection officer"), _("Document types"),
    _("Secrecy by default"), _("Kept or disposed of"), _("Where kept"), _("Legal basis"),
]  # fmt: skip


@dataclass
class Processing:
    """One processing activity: a process of the plan and what it holds."""

    code: str
    title: str
    types: list[str] = field(default_factory=list)
    secrecy: set[str] = field(default_factory=set)
    retention: list[str] = field(default_factory=list)
    kept_where: set[str] = field(default_factory=set)
    legal_basis: set[str] = field(default_factory=set)

    def add(self, rule: PlanRule) -> None:
        self.types.append(rule.document_type)
        if rule.secrecy is not None:
            self.secrecy.add(rule.secrecy.reference)
        kept = rule.period or str(rule.get_outcome_display())
        self.retention.append(f"{rule.document_type}: {kept}")
        if rule.kept_where:
            self.kept_where.add(rule.kept_where)
        if rule.legal_basis:
            self.legal_basis.add(rule.legal_basis)


def processing_record(authority: Authority, on: datetime.date | None = None) -> list[Processing]:
    """The authority's processing activities under the plan in force on the day."""
    found: dict[str, Processing] = {}
    for rule in effective_rules(authority, on):
        title = rule.process_title if rule.process_code else str(EVERY_PROCESS)
        found.setdefault(rule.process_code, Processing(rule.process_code, title)).add(rule)
    return list(found.values())


def officers(authority: Authority) -> list[str]:
    """The names of the authority's data protection officers today."""
    held = RoleAssignment.objects.valid_on().filter(
        authority=authority, role=Role.DATA_PROTECTION_OFFICER
    )
    return sorted(a.user.get_full_name() or a.user.username for a in held.select_related("user"))


def rows(authority: Authority, activities: list[Processing]) -> list[list[str]]:
    """The record as table rows (page and CSV), in HEADER's order."""
    dpo = ", ".join(officers(authority))
    return [
        [f"{p.code} {p.title}".strip(), authority.name, dpo, ", ".join(p.types),
         ", ".join(sorted(p.secrecy)), "; ".join(p.retention), ", ".join(sorted(p.kept_where)),
         "; ".join(sorted(p.legal_basis))]
        for p in activities
    ]  # fmt: skip
