"""What the registry's views share: who holds which role, and reading a case the user
may see (404 for a case that is missing or not visible, alike)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from kansli.access.rules import may_see_protected_identities
from kansli.org.models import Authority, Role, User
from kansli.org.permissions import authority_ids_with, held_today, holds_role
from kansli.registry.models import Case, InboxItem
from kansli.registry.permissions import ASSIGNING_ROLES, REGISTERING_ROLES


def current_user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind login_required)."""
    user = request.user
    if isinstance(user, AnonymousUser) or not isinstance(user, User):
        raise PermissionDenied
    return user


def authorities_with(user: Any, roles: list[Role]) -> QuerySet[Authority]:
    """The authorities for which the user holds one of the roles today."""
    return Authority.objects.filter(pk__in=authority_ids_with(user, roles))


def holds(user: Any, roles: list[Role]) -> bool:
    """Whether the user holds one of the roles today, for any authority."""
    return holds_role(user, roles)


def may_register(user: Any) -> bool:
    return holds(user, REGISTERING_ROLES)


def waiting_items(user: Any) -> QuerySet[InboxItem]:
    """The inbox items not yet registered of the authorities the user registers for,
    newest first (OSL 5 kap. 1 §: they are to be registered without delay). An item
    forwarded to an outside address (kansli.mailbox) has left the inbox."""
    return (
        InboxItem.objects.filter(
            document__isnull=True,
            authority_id__in=authority_ids_with(user, REGISTERING_ROLES),
        )
        .exclude(forwardings__to_address__gt="")
        .select_related("authority", "stored")
        .order_by("-received_at", "-pk")
    )


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def visible_case(request: HttpRequest, pk: int) -> Case:
    cases = Case.objects.visible_to(request.user).select_related(
        "authority__municipality", "classification", "unit", "officer"
    )
    return get_object_or_404(cases, pk=pk)


def role_flags(user: Any, case: Case) -> dict[str, bool]:
    """What the user may do with a case, as the actions would decide it."""
    roles = {h.role for h in held_today(user) if h.authority_id == case.authority_id}
    is_officer = case.officer_id == user.pk
    return {
        "register": bool(roles & set(REGISTERING_ROLES)),
        "void": Role.REGISTRAR in roles,
        "assign": bool(roles & set(ASSIGNING_ROLES)),
        "handle": is_officer or bool(roles & set(ASSIGNING_ROLES)),
        "see_protected": may_see_protected_identities(user, case),
        # actions.do_add_party: the case's officer or whoever registers for the authority.
        "add_party": is_officer or bool(roles & set(REGISTERING_ROLES)),
    }


def run_action(
    request: HttpRequest,
    form: Any,
    run: Callable[[], str],
    done: str,
    *,
    one_transaction: bool = True,
) -> HttpResponse | None:
    """Run the action for a valid form and go to `done` with its message; on refusal
    put the reason on the form (an AccessibleForm) and answer None, for the caller to
    show the form again. `run` is one transaction, so that when it calls more than one
    action (a report registered, then the item) a refusal saves nothing; except for an
    action that renders its PDFs between its own transactions (the last approval of
    the minutes), which says `one_transaction=False`."""
    if not form.is_valid():
        return None
    try:
        with transaction.atomic() if one_transaction else nullcontext():
            message = run()
    except ValidationError as error:
        form.add_action_errors(error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    else:
        messages.success(request, message)
        return redirect(done)
    return None
