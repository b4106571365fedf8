"""Every change to the case handbook: writing a page, editing it (a new version each
time) and reminding owners before a page's valid-until date. Each action checks
permission, changes the data and writes its audit event in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.handbook.models import (
    TEMPLATE_KINDS,
    DocumentType,
    RegistrationRule,
    Routine,
    RoutineVersion,
    Step,
)
from kansli.org.models import Authority, Municipality, Role, RoleAssignment
from kansli.org.permissions import is_sysadmin

FIELDS = [
    "title", "body", "document_type", "owner", "approving_authority", "approving_body",
    "valid_until", "public", "steps", "template_kinds",
]  # fmt: skip
REMIND_DAYS = 30


def may_edit(actor: Any, municipality: Municipality, routine: Routine | None = None) -> bool:
    """The municipality's managers and system administrators write the handbook; a
    page's owner (dokumentägare) edits their own page. None: the system itself."""
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if routine is not None and routine.owner_id == actor.pk:
        return True
    if is_sysadmin(actor):
        return True
    return (
        RoleAssignment.objects.valid_on()
        .filter(user=actor, role=Role.MANAGER, authority__municipality=municipality)
        .exists()
    )


def _joined(values: Iterable[str], allowed: Iterable[str], what: str) -> str:
    values = list(dict.fromkeys(values))
    unknown = [v for v in values if v not in set(allowed)]
    if unknown:
        raise ValidationError(f"Okänd {what}: {', '.join(unknown)}.")
    return "," + "".join(f"{v}," for v in values)


def _clean(municipality: Municipality, data: dict[str, Any]) -> dict[str, Any]:
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": "Ange en rubrik."})
    if not (data.get("body") or "").strip():
        raise ValidationError({"body": "Skriv rutinens text."})
    if data.get("document_type", DocumentType.ROUTINE) not in DocumentType.values:
        raise ValidationError({"document_type": "Okänd dokumenttyp."})
    authority: Authority | None = data.get("approving_authority")
    if authority is not None and authority.municipality_id != municipality.pk:
        raise ValidationError({"approving_authority": "Beslutsinstansen hör till en annan kommun."})
    if data.get("owner") is None:
        raise ValidationError({"owner": "Ange dokumentägare."})
    data = dict(data)
    data["title"] = data["title"].strip()
    data["steps"] = _joined(data.get("steps", ()), Step.values, "processteg")
    data["template_kinds"] = _joined(data.get("template_kinds", ()), TEMPLATE_KINDS, "malltyp")
    return data


def _facts(routine: Routine) -> dict[str, Any]:
    return {
        "document_type": routine.document_type,
        "owner": str(routine.owner),
        "approved_by": routine.approver,
        "valid_until": routine.valid_until.isoformat() if routine.valid_until else None,
        "public": routine.public,
        "steps": routine.step_list,
        "template_kinds": routine.kind_list,
    }


def _snapshot(routine: Routine) -> dict[str, Any]:
    return {"title": routine.title, "version": routine.version, **_facts(routine)}


def _write_version(routine: Routine, actor: Any) -> None:
    RoutineVersion.objects.create(
        routine=routine,
        number=routine.version,
        title=routine.title,
        body=routine.body,
        facts=_facts(routine),
        author=actor,
        at=routine.updated_at,
    )


@transaction.atomic
def do_create_routine(municipality: Municipality, *, actor: Any, **data: Any) -> Routine:
    """Write a new page of the handbook (version 1)."""
    if not may_edit(actor, municipality):
        raise PermissionDenied("Endast chefer och systemadministratörer skriver i handboken.")
    cleaned = _clean(municipality, data)
    routine = Routine(municipality=municipality, updated_at=timezone.now(), version=1)
    for name in FIELDS:
        if name in cleaned:
            setattr(routine, name, cleaned[name])
    routine.save()
    _write_version(routine, actor)
    record(
        actor=actor,
        action="handbook.create",
        obj=routine,
        label=routine.title,
        after=_snapshot(routine),
    )
    return routine


@transaction.atomic
def do_edit_routine(routine: Routine, *, actor: Any, **data: Any) -> Routine:
    """Save a new version of a page; the earlier versions stay as they were."""
    routine = Routine.objects.select_for_update().get(pk=routine.pk)
    if not may_edit(actor, routine.municipality, routine):
        raise PermissionDenied("Du får inte ändra den här sidan.")
    merged = {name: getattr(routine, name) for name in FIELDS}
    merged["steps"], merged["template_kinds"] = routine.step_list, routine.kind_list
    merged.update(data)
    cleaned = _clean(routine.municipality, merged)
    before = _snapshot(routine)
    for name in FIELDS:
        setattr(routine, name, cleaned[name])
    if routine.valid_until != before["valid_until"] and routine.reminded_for:
        routine.reminded_for = None
    routine.version += 1
    routine.updated_at = timezone.now()
    routine.save()
    _write_version(routine, actor)
    record(
        actor=actor,
        action="handbook.edit",
        obj=routine,
        label=routine.title,
        before=before,
        after=_snapshot(routine),
    )
    return routine


def reminder_due(routine: Routine, today: datetime.date, days: int) -> bool:
    """Whether the owner is reminded today: valid-until is set, lies at most `days`
    days ahead (or has passed), and the owner has not been reminded of that date."""
    if routine.valid_until is None or routine.reminded_for == routine.valid_until:
        return False
    return routine.valid_until - today <= datetime.timedelta(days=days)


@transaction.atomic
def do_remind_owners(
    *, actor: Any = None, today: datetime.date | None = None, days: int | None = None
) -> int:
    """E-mail each page's owner once, `days` days (KANSLI_HANDBOOK_REMIND_DAYS, 30) before
    the page's valid-until date; run daily by `kansli remind`."""
    if actor is not None:
        raise PermissionDenied("Påminnelser skickas av systemet.")
    today = today or timezone.localdate()
    days = (
        days if days is not None else getattr(settings, "KANSLI_HANDBOOK_REMIND_DAYS", REMIND_DAYS)
    )
    sent = 0
    candidates = Routine.objects.select_for_update().select_related("owner")
    for routine in candidates.filter(valid_until__isnull=False):
        if not reminder_due(routine, today, days):
            continue
        assert routine.valid_until is not None
        if routine.owner.email:
            send_mail(
                f"Rutinen ”{routine.title}” är giltig till {routine.valid_until:%Y-%m-%d}",
                (
                    f"Du är dokumentägare för ”{routine.title}” i ärendehandboken. "
                    f"Den är giltig till {routine.valid_until:%Y-%m-%d}. "
                    "Se över den och spara en ny version med ett nytt giltighetsdatum."
                ),
                None,
                [routine.owner.email],
            )
            sent += 1
        routine.reminded_for = routine.valid_until
        routine.save(update_fields=["reminded_for"])
        record(
            actor=None,
            action="handbook.remind",
            obj=routine,
            label=routine.title,
            after={"valid_until": routine.valid_until.isoformat()},
        )
    return sent


@transaction.atomic
def do_set_registration_rule(
    municipality: Municipality,
    document_type: str,
    handling: str,
    *,
    authority: Authority | None = None,
    kept_where: str = "",
    note: str = "",
    actor: Any,
) -> RegistrationRule:
    """Say whether a document type is registered, and in which authority's series, or
    kept in order otherwise and where (OSL 5 kap. 1 §)."""
    if not may_edit(actor, municipality):
        raise PermissionDenied("Endast chefer och systemadministratörer ändrar reglerna.")
    document_type = " ".join(document_type.split())
    if not document_type:
        raise ValidationError({"document_type": "Ange dokumenttyp."})
    if handling not in RegistrationRule.Handling.values:
        raise ValidationError({"handling": "Välj diarieförs eller hålls ordnad."})
    if handling == RegistrationRule.Handling.REGISTERED and authority is None:
        raise ValidationError({"authority": "Ange i vilken nämnds diarium den registreras."})
    if handling == RegistrationRule.Handling.KEPT and not kept_where.strip():
        raise ValidationError({"kept_where": "Ange var handlingen hålls ordnad."})
    if authority is not None and authority.municipality_id != municipality.pk:
        raise ValidationError({"authority": "Nämnden hör till en annan kommun."})
    rule = (
        RegistrationRule.objects.select_for_update()
        .filter(municipality=municipality, document_type__iexact=document_type)
        .first()
    )
    before = _rule_facts(rule) if rule else None
    rule = rule or RegistrationRule(municipality=municipality)
    rule.document_type, rule.handling, rule.authority = document_type, handling, authority
    rule.kept_where, rule.note = kept_where.strip(), note.strip()
    rule.save()
    record(
        actor=actor,
        action="handbook.set_rule",
        obj=rule,
        label=document_type,
        before=before,
        after=_rule_facts(rule),
    )
    return rule


def _rule_facts(rule: RegistrationRule) -> dict[str, Any]:
    return {
        "document_type": rule.document_type,
        "handling": rule.handling,
        "authority": str(rule.authority) if rule.authority else None,
        "kept_where": rule.kept_where,
        "note": rule.note,
    }
