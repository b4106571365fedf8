"""Who may see which cases and documents. Every read of the registry goes through
`Case.objects.visible_to(user)` / `Document.objects.visible_to(user)`, which call these.

For now: open registrations are readable by all staff of the municipality (anyone with
a staff role, TF 2 kap. and the principle of public access inside the organisation);
elected members and the public see nothing here (they have their own views). The
secrecy and access issue narrows this for secrecy-marked documents."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

from kansli.org.models import Role, RoleAssignment

QS = TypeVar("QS", bound=QuerySet[Any])

STAFF_ROLES = [
    Role.REGISTRAR,
    Role.OFFICER,
    Role.SECRETARY,
    Role.MANAGER,
    Role.ARCHIVIST,
    Role.SYSADMIN,
]


def staff_municipalities(user: Any) -> list[int] | None:
    """The municipalities whose registry the user may read (None: every one)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if hasattr(user, "_kansli_staff_municipalities"):
        cached: list[int] | None = user._kansli_staff_municipalities
        return cached
    roles = RoleAssignment.objects.valid_on().filter(user=user, role__in=STAFF_ROLES)
    if roles.filter(role=Role.SYSADMIN).exists():
        result: list[int] | None = None
    else:
        result = sorted(set(roles.values_list("authority__municipality_id", flat=True)))
    user._kansli_staff_municipalities = result
    return result


def visible_cases(cases: QS, user: Any) -> QS:
    municipalities = staff_municipalities(user)
    if municipalities is None:
        return cases
    return cases.filter(authority__municipality_id__in=municipalities)


def visible_documents(documents: QS, user: Any) -> QS:
    municipalities = staff_municipalities(user)
    if municipalities is None:
        return documents
    return documents.filter(case__authority__municipality_id__in=municipalities)
