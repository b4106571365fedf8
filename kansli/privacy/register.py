"""The record of processing activities (registerförteckning, GDPR art. 30.1), drawn from
the document management plan: one processing per process of the plan in force, with
the controller (the authority, in its municipality), the data protection officer, the
kinds of documents (the categories of data the process holds), whether they are secret
by default (OSL), how long they are kept, where and on what legal basis. Kept up to
date by the plan itself: a new version of the plan changes the record the day it
applies.

Who reads it: the authority's registrars, archivists, data protection officers and
managers, who keep it and answer the supervisory authority with it (art. 30.4). It
holds no personal data beyond the officers' names; it is not audited as a read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kansli.org.models import Authority, Role, RoleAssignment
from kansli.org.permissions import is_sysadmin
from kansli.retention.models import PlanRule, effective_rules
from kansli.retention.pdf import EVERY_PROCESS

READING_ROLES = [Role.REGISTRAR, Role.ARCHIVIST, Role.DATA_PROTECTION_OFFICER, Role.MANAGER]

HEADER = [
    gettext_lazy("Process"), gettext_lazy("Controller"),
    gettext_lazy("Data protection officer"), gettext_lazy("Document types"),
    gettext_lazy("Secrecy by default"), gettext_lazy("Kept or disposed of"),
    gettext_lazy("Where kept"), gettext_lazy("Legal basis"),
]  # fmt: skip


@dataclass
class Processing:
    """One processing activity: a process of the plan and what it holds."""

    code: str
    title: str
    types: list[str] = field(default_factory=list)
    secrecy: list[str] = field(default_factory=list)
    retention: list[str] = field(default_factory=list)
    kept_where: set[str] = field(default_factory=set)
    legal_basis: set[str] = field(default_factory=set)

    def add(self, rule: PlanRule) -> None:
        self.types.append(rule.document_type)
        if rule.secrecy is not None:
            # Secret by default (OSL): which type under which provision.
            self.secrecy.append(f"{rule.document_type}: {rule.secrecy.reference}")
        kept = rule.period or str(rule.get_outcome_display())
        self.retention.append(f"{rule.document_type}: {kept}")
        if rule.kept_where:
            self.kept_where.add(rule.kept_where)
        if rule.legal_basis:
            self.legal_basis.add(rule.legal_basis)


def may_read(user: Any) -> QuerySet[Authority]:
    """The authorities whose record the user reads today: where they hold one of
    READING_ROLES (a superuser too: every authority)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Authority.objects.none()
    authorities = Authority.objects.valid_on().select_related("municipality")
    if is_sysadmin(user):  # today's role: the stored admin flags can outlive it
        return authorities
    held = user.roles.valid_on().filter(role__in=READING_ROLES)
    return authorities.filter(pk__in=held.values("authority_id"))


def processing_record(authority: Authority, on: datetime.date | None = None) -> list[Processing]:
    """The authority's processing activities under the plan in force on the day, in the
    order of the plan's process codes (effective_rules's order)."""
    found: dict[str, Processing] = {}
    for rule in effective_rules(authority, on):
        title = rule.process_title if rule.process_code else str(EVERY_PROCESS)
        found.setdefault(rule.process_code, Processing(rule.process_code, title)).add(rule)
    return list(found.values())


def officers(authority: Authority) -> list[str]:
    """The names of the authority's data protection officers today (art. 30.1 a)."""
    held = RoleAssignment.objects.valid_on().filter(
        authority=authority, role=Role.DATA_PROTECTION_OFFICER
    )
    return sorted(a.user.get_full_name() or a.user.username for a in held.select_related("user"))


def controller(authority: Authority) -> str:
    """The controller (personuppgiftsansvarig): the authority, in its municipality."""
    return f"{authority.name}, {authority.municipality.name}"


def rows(authority: Authority, activities: list[Processing]) -> list[list[str]]:
    """The record as table rows (page, CSV and PDF), in HEADER's order."""
    dpo = ", ".join(officers(authority))
    who = controller(authority)
    return [
        [f"{p.code} {p.title}".strip(), who, dpo, ", ".join(p.types),
         "; ".join(p.secrecy) or _("No"), "; ".join(p.retention),
         ", ".join(sorted(p.kept_where)), "; ".join(sorted(p.legal_basis))]
        for p in activities
    ]  # fmt: skip


def file_name(authority: Authority) -> str:
    return f"registerforteckning-{authority.code}-{timezone.localdate():%Y%m%d}"


def register_pdf(authority: Authority) -> bytes:
    """The record as PDF in the authority's graphic profile (kansli.drafting.profile),
    always in Swedish. The HTML may load only what it holds itself (data: URIs)."""
    from weasyprint import HTML  # Pango is loaded only when a PDF is made
    from weasyprint.urls import URLFetcher

    from kansli.drafting.profile import profile_for

    with translation.override("sv"):
        html = render_to_string(
            "privacy/pdf/register.html",
            {
                "authority": authority,
                "municipality": authority.municipality,
                "profile": profile_for(authority),
                "header": [str(h) for h in HEADER],
                "rows": rows(authority, processing_record(authority)),
                "today": timezone.localdate(),
            },
        )
    return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf())
