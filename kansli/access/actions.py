"""Changing who may read secrecy-marked documents: access groups, their members, the
group a case belongs to, and grants for one case. Each change is audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.access.models import AccessGroup, Grant, Membership
from kansli.access.rules import forget
from kansli.audit.chain import record
from kansli.org.models import Authority, Role, RoleAssignment, Unit
from kansli.org.permissions import is_sysadmin, require_sysadmin


def _require_manager_or_sysadmin(actor: Any, authority: Authority) -> None:
    """Group membership is managed by system administrators and the authority's
    managers (chef)."""
    if actor is None or is_sysadmin(actor):
        return
    managers = RoleAssignment.objects.valid_on().filter(
        user=actor, authority=authority, role=Role.MANAGER
    )
    if not managers.exists():
        raise PermissionDenied(
            f"Du har inte behörighet att ändra behörigheter för {authority.code}."
        )


@transaction.atomic
def do_create_access_group(
    authority: Authority, name: str, *, unit: Unit | None = None, actor: Any
) -> AccessGroup:
    """Create the authority's general group (no unit) or a unit's group."""
    require_sysadmin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Ange gruppens namn."})
    if unit is not None and unit.municipality_id != authority.municipality_id:
        raise ValidationError({"unit": "Enheten hör till en annan kommun."})
    taken = AccessGroup.objects.filter(authority=authority, unit=unit)
    if taken.exists():
        what = "enheten" if unit else "myndigheten"
        raise ValidationError({"unit": f"Det finns redan en behörighetsgrupp för {what}."})
    group = AccessGroup.objects.create(authority=authority, unit=unit, name=name)
    after = {"authority": authority.code, "unit": unit.pk if unit else None, "name": name}
    record(actor=actor, action="access.create_group", obj=group, after=after)
    return group


@transaction.atomic
def do_add_member(
    group: AccessGroup, user: Any, *, valid_from: datetime.date | None = None, actor: Any
) -> Membership:
    _require_manager_or_sysadmin(actor, group.authority)
    start = valid_from or timezone.localdate()
    current = Membership.objects.valid_on(start).filter(group=group, user=user)
    if current.exists():
        raise ValidationError({"user": f"{user} är redan med i gruppen."})
    membership = Membership.objects.create(
        group=group, user=user, valid_from=start, added_by=actor if actor else None
    )
    after = {"group": group.pk, "user": user.pk, "valid_from": start}
    record(actor=actor, action="access.add_member", obj=membership, label=str(membership),
           after=after)  # fmt: skip
    forget(user)
    return membership


@transaction.atomic
def do_end_membership(
    membership: Membership, *, last_day: datetime.date | None = None, actor: Any
) -> Membership:
    """End a membership (today, or on `last_day`). Never deleted."""
    _require_manager_or_sysadmin(actor, membership.group.authority)
    end = last_day or timezone.localdate() - datetime.timedelta(days=1)
    if end < membership.valid_from - datetime.timedelta(days=1):
        raise ValidationError({"valid_to": "Slutdagen kan inte ligga före startdagen."})
    before = {"valid_to": membership.valid_to}
    membership.valid_to = end
    membership.save(update_fields=["valid_to"])
    record(actor=actor, action="access.end_membership", obj=membership, label=str(membership),
           before=before, after={"valid_to": end})  # fmt: skip
    forget(membership.user)
    return membership


def may_move_cases(actor: Any, authority: Authority) -> bool:
    """Who puts a case in another access group: a registrar or manager of its authority,
    or a system administrator."""
    if actor is None or is_sysadmin(actor):
        return True
    held = RoleAssignment.objects.valid_on().filter(
        user=actor, authority=authority, role__in=[Role.REGISTRAR, Role.MANAGER]
    )
    return held.exists()


def require_moving(actor: Any, authority: Authority) -> None:
    if not may_move_cases(actor, authority):
        raise PermissionDenied(
            f"Du har inte behörighet att ändra behörigheter för {authority.code}."
        )


@transaction.atomic
def do_move_case_to_group(case: Any, group: AccessGroup, *, actor: Any) -> Any:
    """Put a case in another access group of its authority: its members then read the
    case's secrecy-marked documents instead of the former group's (behovsprincipen,
    GDPR art. 5.1 f and 32)."""
    require_moving(actor, case.authority)
    if group.authority_id != case.authority_id:
        raise ValidationError({"group": "Gruppen hör till en annan myndighet."})
    if group.pk == case.access_group_id:
        return case
    before = {"access_group": case.access_group_id}
    case.access_group = group
    case.save(update_fields=["access_group"])
    record(actor=actor, action="access.move_case", obj=case, before=before,
           after={"access_group": group.pk})  # fmt: skip
    return case


@transaction.atomic
def do_grant_access(
    case: Any, user: Any, reason: str, *, last_day: datetime.date, actor: Any,
    first_day: datetime.date | None = None,
) -> Grant:  # fmt: skip
    """Let one person read a case's secrecy-marked documents until `last_day`, with the
    reason (a manager of the authority, or a system administrator)."""
    _require_manager_or_sysadmin(actor, case.authority)
    start = first_day or timezone.localdate()
    errors = {}
    if not reason.strip():
        errors["reason"] = "Ange varför behörigheten ges."
    if last_day < start:
        errors["valid_to"] = "Sista dagen kan inte ligga före första dagen."
    if errors:
        raise ValidationError(errors)
    grant = Grant.objects.create(
        case=case, user=user, reason=reason.strip(), valid_from=start, valid_to=last_day,
        granted_by=actor if actor else None,
    )  # fmt: skip
    after = {"case": case.pk, "user": user.pk, "valid_from": start, "valid_to": last_day,
             "reason": grant.reason}  # fmt: skip
    record(actor=actor, action="access.grant", obj=grant, label=str(grant), after=after)
    forget(user)
    return grant


READ_ACTION = "access.read"
READ_WHAT = {"file", "text", "registration"}


@transaction.atomic
def do_log_read(document: Any, what: str, *, stored_file: Any = None, actor: Any) -> None:
    """Log that `actor` opened a secrecy-marked document's file, text or registration,
    in the audit chain (who and when; from where: the request's address, which the
    audit middleware keeps). Open documents are not logged. The caller has already
    read it through the gate."""
    if document.secrecy_id is None:
        return
    if what not in READ_WHAT:
        raise ValueError(f"unknown kind of read: {what}")
    after = {"what": what, "file": stored_file.pk if stored_file is not None else None,
             "case": document.case_id}  # fmt: skip
    record(actor=actor, action=READ_ACTION, obj=document, label=document.document_number,
           after=after)  # fmt: skip


@transaction.atomic
def do_log_reads(documents: Iterable[Any], what: str, *, actor: Any) -> None:
    """`do_log_read` for every secrecy-marked document a page, form, API answer or
    search shows with its registration or text: every read of a secret document is in
    the read log, whatever the surface."""
    for document in documents:
        if document.secrecy_id is not None:
            do_log_read(document, what, actor=actor)
