"""Who has access to a case's secrecy-marked documents today, and why."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kansli.access.models import Grant, Membership


@dataclass
class Access:
    """One person's access to a case, and the reason for it."""

    user: Any
    why: str
    since: datetime.date | None = None
    until: datetime.date | None = None
    membership: Membership | None = None
    grant: Grant | None = None


def who_has_access(case: Any) -> list[Access]:
    """Everyone the read gate (rules.py) lets read the case's secret documents today."""
    today = timezone.localdate()
    rows: list[Access] = []
    if case.access_group_id:
        members = Membership.objects.valid_on(today).filter(group_id=case.access_group_id)
        for membership in members.select_related("user", "group"):
            why = _("Member of the access group %(group)s") % {"group": membership.group.name}
            rows.append(Access(membership.user, why, membership.valid_from, membership.valid_to,
                               membership=membership))  # fmt: skip
    grants = Grant.objects.filter(case=case, valid_to__gte=today).select_related("user")
    for grant in grants.order_by("valid_from"):
        why = _("Granted: %(reason)s") % {"reason": grant.reason}
        rows.append(Access(grant.user, why, grant.valid_from, grant.valid_to, grant=grant))
    if case.officer_id:
        rows.append(Access(case.officer, _("Officer of the case"), case.assigned_at and
                           timezone.localdate(case.assigned_at)))  # fmt: skip
    secret = case.documents.filter(secrecy__isnull=False).select_related(
        "registered_by", "secrecy_marked_by"
    )
    for document in secret.order_by("number"):
        number = {"number": document.document_number}
        if document.registered_by_id:
            rows.append(Access(document.registered_by, _("Registered %(number)s") % number))
        if document.secrecy_marked_by_id:
            rows.append(
                Access(document.secrecy_marked_by, _("Marked %(number)s as secret") % number)
            )
    return rows
