"""Adopting a document management plan: the one change there is to a plan, since an
adopted plan is never changed (a later decision is a new version). The action checks
who may adopt it, checks every rule (all faults at once, in Swedish, each with its row)
and writes the plan, its rules and one audit event in one transaction, or nothing."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kansli.audit.chain import record
from kansli.inputs import FIRST_DAY, LAST_DAY, unstorable
from kansli.org.models import Authority, Municipality, Role, RoleAssignment
from kansli.org.permissions import is_sysadmin
from kansli.registry.models import DocumentType, SecrecyProvision
from kansli.registry.models.types import fold
from kansli.retention.entries import RuleRow
from kansli.retention.models import Event, Handling, Medium, Outcome, Plan, PlanRule

PROCESS_CODE = re.compile(r"^\d+(\.\d+)*$")  # as the classification scheme's (2.3.1)
MAX_YEARS = 200
MAX_MONTHS = 12 * MAX_YEARS
# The longest values the models hold.
LIMITS = {
    "process_code": ("Processkod", 20),
    "process_title": ("Process", 300),
    "document_type": ("Handlingstyp", 100),  # as a registered document's type
    "kept_where": ("Förvaring", 300),
    "legal_basis": ("Lagrum", 500),
    "secrecy": ("Sekretess", 60),
    "note": ("Anmärkning", 500),
}
NOT_ALLOWED = "Endast arkivarien för myndigheten eller en systemadministratör fastställer planen."


def may_adopt(actor: Any, authority: Authority | None, municipality: Municipality) -> bool:
    """An authority's own plan: its archivists (arkivarie). The shared plan: the
    archivists of the municipality's executive board, the archive authority unless
    the council decided otherwise (Arkivlagen 1990:782 8 §). Always: a system
    administrator, and the system itself (actor None: commands, the demo)."""
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if is_sysadmin(actor):
        return True
    archivists = RoleAssignment.objects.valid_on().filter(user=actor, role=Role.ARCHIVIST)
    if authority is not None:
        return archivists.filter(authority=authority).exists()
    return archivists.filter(
        authority__municipality=municipality, authority__kind=Authority.Kind.EXECUTIVE
    ).exists()


def _where(row: RuleRow, index: int) -> str:
    return f"Rad {row.line}" if row.line is not None else f"Regel {index}"


def _text_faults(row: RuleRow) -> list[str]:
    faults = []
    for name, (column, limit) in LIMITS.items():
        value = getattr(row, name)
        if unstorable(value):
            faults.append(
                f"{column} innehåller ett tecken som inte kan lagras (NUL eller ett halvt "
                "teckenpar)."
            )
        elif len(value) > limit:
            faults.append(f"{column} får vara högst {limit} tecken.")
    return faults


def _period_faults(row: RuleRow) -> list[str]:
    has_period = row.period_years is not None or row.period_months is not None
    if row.transfer_years is not None and row.outcome != Outcome.KEEP:
        return ["Bara en handling som bevaras lämnas till e-arkivet (leveransfrist)."]
    if row.transfer_years is not None and not 0 <= row.transfer_years <= MAX_YEARS:
        return [f"Leveransfristen ska vara 0–{MAX_YEARS} år."]
    if row.outcome == Outcome.KEEP:
        if has_period or row.starting_event:
            return ["En handling som bevaras har ingen gallringsfrist."]
        return []
    if row.outcome != Outcome.DISPOSE:
        return []
    if not row.starting_event:
        return ["Ange vad gallringsfristen räknas från, t.ex. efter ärendets avslut."]
    if row.starting_event not in Event.values:
        return [f"Okänd händelse att räkna från: '{row.starting_event}'."]
    if row.starting_event == Event.OBSOLETE:
        return ["Vid inaktualitet har ingen frist i år eller månader."] if has_period else []
    if not has_period:
        return ["Ange gallringsfristen i år eller månader."]
    faults = []
    if row.period_years is not None and not 0 <= row.period_years <= MAX_YEARS:
        faults.append(f"Gallringsfristen i år ska vara 0–{MAX_YEARS}.")
    if row.period_months is not None and not 0 <= row.period_months <= MAX_MONTHS:
        faults.append(f"Gallringsfristen i månader ska vara 0–{MAX_MONTHS}.")
    return faults


def _row_faults(row: RuleRow) -> list[str]:
    faults = _text_faults(row)
    if not row.document_type.strip():
        faults.append("Handlingstyp saknas.")
    if row.process_code.strip() and not PROCESS_CODE.match(row.process_code.strip()):
        faults.append(f"Processkoden '{row.process_code}' är inte en punktad sifferkod.")
    if row.handling not in Handling.values:
        faults.append("Hantering ska vara registreras eller hålls ordnad.")
    if row.outcome not in Outcome.values:
        faults.append("Ange bevaras eller gallras.")
    if row.medium not in Medium.values:
        faults.append("Medium ska vara papper eller digitalt.")
    return faults + _period_faults(row)


def check_rows(rows: Sequence[RuleRow]) -> tuple[list[str], dict[str, SecrecyProvision]]:
    """Every fault of the rules, each with its row, and the provisions they cite."""
    if not rows:
        return ["Planen har inga regler."], {}
    references = {row.secrecy.strip() for row in rows if row.secrecy.strip()}
    provisions = {p.reference: p for p in SecrecyProvision.objects.filter(reference__in=references)}
    errors: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for index, row in enumerate(rows, start=1):
        where = _where(row, index)
        faults = _row_faults(row)
        reference = row.secrecy.strip()
        if reference and reference not in provisions and not unstorable(reference):
            faults.append(f"Sekretessbestämmelsen '{reference}' finns inte i Kansli.")
        key = (row.process_code.strip(), " ".join(row.document_type.split()).casefold())
        if key[1] and key in seen:
            faults.append(f"{row.document_type.strip()} finns redan i samma process ({seen[key]}).")
        seen.setdefault(key, where.lower())
        errors += [f"{where}: {fault}" for fault in faults]
    return errors, provisions


def _check_decision(
    valid_from: datetime.date, adopted_by: str, decision_reference: str, decision_date: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value, limit, missing in [
        ("adopted_by", adopted_by, 200, "Ange vem som fastställde planen, t.ex. Kommunstyrelsen."),
        ("decision_reference", decision_reference, 100, "Ange beslutet, t.ex. KS 2026/14 § 23."),
    ]:
        if not value.strip():
            errors[name] = [missing]
        elif unstorable(value) or len(value) > limit:
            errors[name] = [f"Högst {limit} tecken, utan NUL eller halva teckenpar."]
    for name, day in [("valid_from", valid_from), ("decision_date", decision_date)]:
        if not FIRST_DAY <= day <= LAST_DAY:
            errors[name] = ["Ange ett datum mellan 1900 och 2200."]
    if "decision_date" not in errors and decision_date > timezone.localdate():
        errors["decision_date"] = ["Beslutsdatumet ligger i framtiden."]
    return errors


def _lock_owner(authority: Authority | None, municipality: Municipality) -> None:
    """Versions are numbered one at a time per plan owner."""
    if authority is not None:
        Authority.objects.select_for_update().filter(pk=authority.pk).first()
    else:
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()


@transaction.atomic
def do_adopt_plan(
    authority: Authority | None,
    rows: Sequence[RuleRow],
    *,
    valid_from: datetime.date,
    adopted_by: str,
    decision_reference: str,
    decision_date: datetime.date,
    actor: Any,
    municipality: Municipality | None = None,
) -> Plan:
    """Record the plan a board adopted: the authority's own (its local additions to and
    exceptions from the shared plan), or with authority None the plan the whole
    municipality shares. It gets the next version number and applies from valid_from,
    which may not lie before the latest version's."""
    if authority is not None:
        municipality = authority.municipality
    if municipality is None:
        raise ValueError("a shared plan names its municipality")
    if not may_adopt(actor, authority, municipality):
        raise PermissionDenied(NOT_ALLOWED)
    errors = _check_decision(valid_from, adopted_by, decision_reference, decision_date)
    row_errors, provisions = check_rows(rows)
    if row_errors:
        errors["__all__"] = row_errors
    _lock_owner(authority, municipality)
    versions = Plan.objects.of(authority, municipality)
    latest = versions.order_by("-valid_from").first()
    if latest is not None and "valid_from" not in errors and valid_from < latest.valid_from:
        errors["valid_from"] = [
            f"Version {latest.version} gäller från {latest.valid_from:%Y-%m-%d}: en ny "
            "version kan inte gälla från ett tidigare datum."
        ]
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        municipality=municipality,
        authority=authority,
        version=(versions.aggregate(n=Max("version"))["n"] or 0) + 1,
        valid_from=valid_from,
        adopted_by=adopted_by.strip(),
        decision_reference=decision_reference.strip(),
        decision_date=decision_date,
        created_by=actor if actor is not None else None,
    )
    rules = [_rule(plan, position, row, provisions) for position, row in enumerate(rows, 1)]
    # Each type in the municipality's list (registry.DocumentType), added when new.
    known = {fold(t.name): t for t in DocumentType.objects.filter(municipality=municipality)}
    for rule in rules:
        key = fold(rule.document_type)
        if key not in known:
            known[key] = DocumentType.objects.find_or_add(municipality, rule.document_type)
        rule.kind = known[key]
    PlanRule.objects.bulk_create(rules)
    record(
        actor=actor,
        action="retention.plan_adopted",
        obj=plan,
        after={
            "authority": authority.code if authority else None,
            "version": plan.version,
            "valid_from": valid_from.isoformat(),
            "adopted_by": plan.adopted_by,
            "decision_reference": plan.decision_reference,
            "decision_date": decision_date.isoformat(),
            "rules": len(rows),
            "kept": sum(row.outcome == Outcome.KEEP for row in rows),
            "disposed_of": sum(row.outcome == Outcome.DISPOSE for row in rows),
            "registered": sum(row.handling == Handling.REGISTERED for row in rows),
            "kept_in_order": sum(row.handling == Handling.KEPT_IN_ORDER for row in rows),
        },
    )
    return plan


def _rule(
    plan: Plan, position: int, row: RuleRow, provisions: dict[str, SecrecyProvision]
) -> PlanRule:
    return PlanRule(
        plan=plan,
        position=position,
        process_code=row.process_code.strip(),
        process_title=row.process_title.strip(),
        document_type=" ".join(row.document_type.split()),
        handling=row.handling,
        outcome=row.outcome,
        period_years=row.period_years,
        period_months=row.period_months,
        starting_event=row.starting_event,
        medium=row.medium,
        transfer_years=row.transfer_years,
        kept_where=row.kept_where.strip(),
        legal_basis=row.legal_basis.strip(),
        secrecy=provisions.get(row.secrecy.strip()),
        note=row.note.strip(),
    )


def _line(message: str) -> int:
    """The row a message names ("Rad 12: …"), to list a file's faults in its order."""
    found = re.match(r"Rad (\d+):", message)
    return int(found[1]) if found else 0


def do_import_plan(
    authority: Authority | None,
    data: bytes,
    *,
    valid_from: datetime.date,
    adopted_by: str,
    decision_reference: str,
    decision_date: datetime.date,
    actor: Any,
    municipality: Municipality | None = None,
) -> tuple[Plan, list[str]]:
    """Adopt the plan a CSV file holds (kansli.retention.csvplan): every fault of the
    file's rows, those of reading and those of the rules, at once and in the file's
    order, or the plan with the columns that were read past."""
    from kansli.registry.legacy_csv import FileRefused
    from kansli.retention.csvplan import read_plan_csv

    owner = authority.municipality if authority is not None else municipality
    if owner is None:
        raise ValueError("a shared plan names its municipality")
    if not may_adopt(actor, authority, owner):
        raise PermissionDenied(NOT_ALLOWED)
    try:
        sheet = read_plan_csv(data)
    except FileRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if sheet.errors:
        found = sheet.errors + (check_rows(sheet.rows)[0] if sheet.rows else [])
        raise ValidationError({"file": sorted(found, key=_line)})
    plan = do_adopt_plan(
        authority,
        sheet.rows,
        valid_from=valid_from,
        adopted_by=adopted_by,
        decision_reference=decision_reference,
        decision_date=decision_date,
        actor=actor,
        municipality=municipality,
    )
    return plan, sheet.ignored


def draft_rules(rows: Sequence[RuleRow]) -> list[PlanRule]:
    """The rules as they would be adopted, not saved: for the proposal's PDF."""
    _errors, provisions = check_rows(rows)
    return [_rule(Plan(), position, row, provisions) for position, row in enumerate(rows, 1)]
