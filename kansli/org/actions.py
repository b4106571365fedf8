"""Every change to the organisation, its people and their roles. Each action checks
permission, changes the data and writes its audit event in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.audit.models import AuditEvent
from kansli.org import tokens
from kansli.org.changes import apply_changes, snapshot
from kansli.org.models import (
    ApiToken,
    Authority,
    Committee,
    ElectedPosition,
    Municipality,
    Role,
    RoleAssignment,
    Unit,
    User,
)
from kansli.org.permissions import forget_roles, require_sysadmin

AUTHORITY_FIELDS = ["municipality", "kind", "code", "name", "valid_from", "valid_to"]
COMMITTEE_FIELDS = ["authority", "code", "name", "valid_from", "valid_to"]
UNIT_FIELDS = ["municipality", "parent", "kind", "name", "valid_from", "valid_to"]
USER_FIELDS = ["username", "first_name", "last_name", "email", "title", "unit", "is_active"]
ROLE_FIELDS = [
    "user",
    "role",
    "authority",
    "committee",
    "position",
    "call_order",
    "valid_from",
    "valid_to",
]
ONLY_SUBSTITUTES = "Bara ersättare har en turordning."

MAX_TOKEN_DAYS = 3650  # ten years: a key is never for ever


def _create(obj: Any, fields: list[str], action: str, actor: Any) -> Any:
    obj.full_clean()
    obj.save()
    record(actor=actor, action=action, obj=obj, after=snapshot(obj, fields))
    return obj


def _update(obj: Any, changes: dict[str, Any], action: str, actor: Any) -> Any:
    before, after = apply_changes(obj, changes)
    if after:
        record(actor=actor, action=action, obj=obj, before=before, after=after)
    return obj


@transaction.atomic
def do_create_municipality(name: str, org_number: str = "", *, actor: Any) -> Municipality:
    require_sysadmin(actor)
    municipality = Municipality(name=name, org_number=org_number)
    return _create(municipality, ["name", "org_number"], "org.create_municipality", actor)


@transaction.atomic
def do_change_municipality(
    municipality: Municipality, *, actor: Any, **changes: Any
) -> Municipality:
    require_sysadmin(actor)
    return _update(municipality, changes, "org.change_municipality", actor)


@transaction.atomic
def do_create_authority(
    municipality: Municipality,
    kind: str,
    code: str,
    name: str,
    *,
    valid_from: datetime.date | None = None,
    served_municipalities: Iterable[Municipality] = (),
    actor: Any,
) -> Authority:
    require_sysadmin(actor)
    authority = Authority(municipality=municipality, kind=kind, code=code.upper(), name=name)
    if valid_from:
        authority.valid_from = valid_from
    _create(authority, AUTHORITY_FIELDS, "org.create_authority", actor)
    if served := list(served_municipalities):
        _update(authority, {"served_municipalities": served}, "org.change_authority", actor)
    return authority


@transaction.atomic
def do_change_authority(authority: Authority, *, actor: Any, **changes: Any) -> Authority:
    require_sysadmin(actor)
    return _update(authority, changes, "org.change_authority", actor)


@transaction.atomic
def do_create_committee(
    authority: Authority,
    code: str,
    name: str,
    *,
    valid_from: datetime.date | None = None,
    actor: Any,
) -> Committee:
    require_sysadmin(actor)
    committee = Committee(authority=authority, code=code.upper(), name=name)
    if valid_from:
        committee.valid_from = valid_from
    return _create(committee, COMMITTEE_FIELDS, "org.create_committee", actor)


@transaction.atomic
def do_change_committee(committee: Committee, *, actor: Any, **changes: Any) -> Committee:
    require_sysadmin(actor)
    return _update(committee, changes, "org.change_committee", actor)


@transaction.atomic
def do_create_unit(
    municipality: Municipality,
    kind: str,
    name: str,
    *,
    parent: Unit | None = None,
    valid_from: datetime.date | None = None,
    authorities: Iterable[Authority] = (),
    actor: Any,
) -> Unit:
    require_sysadmin(actor)
    unit = Unit(municipality=municipality, kind=kind, name=name, parent=parent)
    if valid_from:
        unit.valid_from = valid_from
    if parent is not None and not parent.is_valid_on(unit.valid_from):
        raise ValidationError(f"Enheten {parent} gäller inte den {unit.valid_from}.")
    _create(unit, UNIT_FIELDS, "org.create_unit", actor)
    if served := list(authorities):
        _update(unit, {"authorities": served}, "org.change_unit", actor)
    return unit


@transaction.atomic
def do_change_unit(unit: Unit, *, actor: Any, **changes: Any) -> Unit:
    """Rename a unit or change which authorities it serves. A unit does not move in the
    tree: a reorganisation closes units and creates new ones (see do_close_unit)."""
    require_sysadmin(actor)
    if "parent" in changes and changes["parent"] != unit.parent:
        raise ValidationError("En enhet flyttas inte: avsluta den och skapa en ny.")
    return _update(unit, changes, "org.change_unit", actor)


def unit_and_parts(unit: Unit) -> set[int]:
    """The ids of the unit and every unit under it, at any depth."""
    found, level = {unit.pk}, [unit.pk]
    while level:
        below = Unit.objects.filter(parent_id__in=level).exclude(pk__in=found)
        level = list(below.values_list("pk", flat=True))
        found.update(level)
    return found


@transaction.atomic
def do_close_unit(
    unit: Unit,
    last_day: datetime.date,
    *,
    successors: Iterable[Unit] = (),
    actor: Any,
) -> Unit:
    """End a unit (and every part of it still open) on its last day, naming the units
    that take over its work. Staff placed in a closed unit must be moved first."""
    require_sysadmin(actor)
    if last_day < unit.valid_from:
        raise ValidationError("Sista dagen kan inte vara före enhetens första dag.")
    if unit.valid_to is not None and unit.valid_to <= last_day:
        raise ValidationError(f"Enheten {unit} är redan avslutad {unit.valid_to}.")
    for child in unit.children.valid_on(last_day):
        do_close_unit(child, last_day, actor=actor)
    if unit.staff.filter(is_active=True).exists():
        raise ValidationError(f"Flytta först personalen i {unit} till en annan enhet.")
    successors = list(successors)
    if any(s.pk in unit_and_parts(unit) for s in successors):
        raise ValidationError("En enhet kan inte efterträdas av sig själv eller sina delar.")
    closed = [str(s) for s in successors if s.valid_to is not None and s.valid_to <= last_day]
    if closed:
        raise ValidationError(f"Avslutad och kan inte ta över arbetet: {', '.join(closed)}.")
    return _update(
        unit,
        {"valid_to": last_day, "successors": successors},
        "org.close_unit",
        actor,
    )


@transaction.atomic
def do_create_user(
    username: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    title: str = "",
    unit: Unit | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    actor: Any,
) -> User:
    """Create a person. `password_hash` takes an already hashed password (the demo
    gives all its users one); without any password the account cannot sign in until
    one is set."""
    require_sysadmin(actor)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title=title,
        unit=unit,
    )
    if password is not None:
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    record(actor=actor, action="org.create_user", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def do_change_user(user: User, *, actor: Any, **changes: Any) -> User:
    """Change a person's name, e-mail, title, unit or whether the account is active.
    Accounts are never deleted (the audit trail names them); they are deactivated."""
    require_sysadmin(actor)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}")
    return _update(user, changes, "org.change_user", actor)


@transaction.atomic
def do_set_password(user: User, password: str, *, actor: Any) -> User:
    """Give a person a new password (the person, a system administrator or the
    system). Whoever sets it, it must pass AUTH_PASSWORD_VALIDATORS (long enough, not
    common, not only digits, not like the person's name): a ValidationError lists what
    it fails. The person's other sessions end (their session hash no longer matches).
    The audit event says that the password changed, never what to."""
    _require_self_or_sysadmin(actor, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    password_validation.password_changed(password, user)
    record(actor=actor, action="org.set_password", obj=user)
    return user


@transaction.atomic
def do_set_case_reminders(user: User, on: bool, *, actor: Any) -> User:
    """Turn the person's e-mail reminders about their cases on or off (the person or a
    system administrator)."""
    _require_self_or_sysadmin(actor, user)
    if user.case_reminders != on:
        record(actor=actor, action="org.set_case_reminders", obj=user,
               before={"case_reminders": user.case_reminders},
               after={"case_reminders": on})  # fmt: skip
        user.case_reminders = on
        user.save(update_fields=["case_reminders"])
    return user


FAILED_PASSWORD_CHANGE = "org.fail_password_change"  # noqa: S105 (an audit action name)


def password_change_locked(user: User) -> bool:
    """Whether the person has given a wrong current password on the change-password page
    KANSLI_LOGIN_FAILURE_LIMIT times in the last KANSLI_LOCKOUT_MINUTES, as at login: a
    session left open must not be a way to guess the password. Counted from the audit
    events, so every server process sees the same count."""
    since = timezone.now() - datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
    failures = AuditEvent.objects.filter(
        object_type=User._meta.label_lower, object_id=str(user.pk),
        action=FAILED_PASSWORD_CHANGE, created_at__gte=since,
    )  # fmt: skip
    return failures.count() >= settings.LOGIN_FAILURE_LIMIT


@transaction.atomic
def do_refuse_password_change(user: User, *, actor: Any) -> None:
    """A wrong current password on the change-password page (by the person signed in)."""
    if actor is None or actor.pk != user.pk:
        require_sysadmin(actor)
    record(actor=actor, action=FAILED_PASSWORD_CHANGE, obj=user)


def _sync_admin_flags(user: User) -> None:
    """Django's admin reads is_staff/is_superuser; they follow the system administrator
    role and are changed only here."""
    admin = RoleAssignment.objects.valid_on().filter(user=user, role=Role.SYSADMIN).exists()
    if (user.is_staff, user.is_superuser) != (admin, admin):
        user.is_staff = user.is_superuser = admin
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def do_grant_role(
    user: User,
    role: str,
    *,
    authority: Authority | None = None,
    committee: Committee | None = None,
    position: str = "",
    call_order: int | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    actor: Any,
) -> RoleAssignment:
    """A role from a day; for a substitute (ersättare) the order in which they are
    called in, as the council decided (KL 5 kap. 17 §, 6 kap. 11 §)."""
    require_sysadmin(actor)
    if committee is not None:
        if authority is None:
            authority = committee.authority
        elif committee.authority_id != authority.pk:
            raise ValidationError(f"Utskottet {committee} hör inte till {authority}.")
    if role == Role.ELECTED and position not in ElectedPosition.values:
        raise ValidationError("Ange ledamot, ersättare, ordförande eller vice ordförande.")
    if call_order is not None and position != ElectedPosition.SUBSTITUTE:
        raise ValidationError({"call_order": ONLY_SUBSTITUTES})
    assignment = RoleAssignment(
        user=user,
        role=role,
        authority=authority,
        committee=committee,
        position=position,
        call_order=call_order,
        valid_to=valid_to,
    )
    if valid_from:
        assignment.valid_from = valid_from
    _create(assignment, ROLE_FIELDS, "org.grant_role", actor)
    _sync_admin_flags(user)
    forget_roles(user)
    return assignment


@transaction.atomic
def do_end_role(
    assignment: RoleAssignment, last_day: datetime.date, *, actor: Any
) -> RoleAssignment:
    require_sysadmin(actor)
    if last_day < assignment.valid_from:
        raise ValidationError("Sista dagen kan inte vara före rollens första dag.")
    _update(assignment, {"valid_to": last_day}, "org.end_role", actor)
    _sync_admin_flags(assignment.user)
    forget_roles(assignment.user)
    return assignment


@transaction.atomic
def do_set_call_order(
    assignment: RoleAssignment, call_order: int | None, *, actor: Any
) -> RoleAssignment:
    """The council's new order for calling in a substitute (KL 5 kap. 17 §, 6 kap.
    11 §); None: in the order they took office."""
    require_sysadmin(actor)
    if call_order is not None and assignment.position != ElectedPosition.SUBSTITUTE:
        raise ValidationError({"call_order": ONLY_SUBSTITUTES})
    _update(assignment, {"call_order": call_order}, "org.set_call_order", actor)
    return assignment


def _require_self_or_sysadmin(actor: Any, user: User) -> None:
    if actor is None or actor.pk != user.pk:
        require_sysadmin(actor)


@transaction.atomic
def do_create_api_token(
    user: User, name: str, *, days: int | None = None, actor: Any
) -> tuple[ApiToken, str]:
    """Make an API key for a program acting on the person's behalf (by the person, a
    system administrator or the system), valid for `days` (KANSLI_API_TOKEN_DAYS when
    not given, at most MAX_TOKEN_DAYS). Returns the token row and the key itself: the
    key is not stored (only its SHA-256) and cannot be shown again."""
    _require_self_or_sysadmin(actor, user)
    if not user.is_active:
        raise ValidationError({"user": f"Kontot {user.username} är inaktiverat."})
    if not name.strip():
        raise ValidationError({"name": "Ange vad nyckeln ska användas till."})
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"En nyckel gäller 1–{MAX_TOKEN_DAYS} dagar."})
    key = tokens.new_key()
    expires = timezone.now() + datetime.timedelta(days=days)
    token = ApiToken(user=user, name=name.strip(), key_hash=tokens.hash_key(key),
                     expires_at=expires)  # fmt: skip
    _create(token, ["user", "name", "expires_at"], "org.create_api_token", actor)
    return token, key


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a key (by its owner, a system administrator or the system). It is kept,
    marked revoked, so the audit trail can still name it."""
    _require_self_or_sysadmin(actor, token.user)
    if token.revoked_at is not None:
        raise ValidationError(f"Nyckeln {token.name} är redan återkallad.")
    return _update(token, {"revoked_at": timezone.now()}, "org.revoke_api_token", actor)
