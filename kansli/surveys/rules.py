"""Who may keep a survey and who may read its results. A survey the user may not read
answers 404 like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kansli.org.models import Role, RoleAssignment
from kansli.org.permissions import is_sysadmin
from kansli.surveys.models import Invitation, Survey


def may_manage(user: Any, survey: Survey | None = None, authority: Any = None) -> bool:
    """A system administrator, or a manager (chef) of the survey's authority."""
    if user is None or not user.is_authenticated:
        return False
    if is_sysadmin(user):
        return True
    authority_id = survey.authority_id if survey is not None else getattr(authority, "pk", None)
    held = RoleAssignment.objects.valid_on().filter(user=user, role=Role.MANAGER)
    if authority_id is None:
        return held.exists()
    return held.filter(authority_id=authority_id).exists()


def managed_surveys(user: Any) -> QuerySet[Survey]:
    if user is None or not user.is_authenticated:
        return Survey.objects.none()
    if is_sysadmin(user):
        return Survey.objects.all()
    held = RoleAssignment.objects.valid_on().filter(user=user, role=Role.MANAGER)
    return Survey.objects.filter(authority_id__in=held.values("authority_id"))


def visible_surveys(user: Any) -> QuerySet[Survey]:
    """Those the user keeps, and those whose results are shown to the respondents and
    to which the user was invited. Everyone else (a member asked by another survey, the
    public) sees nothing."""
    if user is None or not user.is_authenticated:
        return Survey.objects.none()
    invited = Invitation.objects.filter(user=user).values("round__survey_id")
    return Survey.objects.filter(
        Q(pk__in=managed_surveys(user).values("pk"))
        | Q(results_to_respondents=True, pk__in=invited)
    )
