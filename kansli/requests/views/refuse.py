"""Refusal and appeal on a request: the written decision by the delegate, the note that
the requester asked for it, and an appeal registered, reconsidered and forwarded."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kansli.files.store import store_upload
from kansli.registry.views.common import current_user
from kansli.requests.actions.appeal import (
    appeal_ends,
    do_forward_appeal,
    do_reconsider,
    do_register_appeal,
)
from kansli.requests.actions.refuse import (
    REFUSABLE,
    do_ask_for_decision,
    do_mark_refusal_sent,
    do_refuse,
    refusal_point,
)
from kansli.requests.models import AccessRequest, Appeal, Refusal
from kansli.requests.views.deliver import visible_request


def _appeal(access_request: AccessRequest, value: str) -> Appeal:
    found = Appeal.objects.filter(refusal__request=access_request, pk=value or 0).first()
    if found is None:
        raise ValidationError(_("Choose an appeal of this request."))
    return found


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD.")) from None


def _refusal(access_request: AccessRequest, post: Any) -> Refusal:
    found = Refusal.objects.filter(request=access_request, pk=post.get("refusal") or 0).first()
    if found is None:
        raise ValidationError(_("Choose the decision that is appealed."))
    return found


def _substitute_for(access_request: AccessRequest, post: Any) -> Any:
    """The delegate named as the one a substitute decides in place of, if any."""
    point = refusal_point(access_request.authority)
    chosen = post.get("substitute_for") or ""
    if point is None or not chosen.isdigit():
        return None
    found = point.delegates.filter(user_id=int(chosen)).select_related("user").first()
    return found.user if found else None


def _register_appeal(request: HttpRequest, access_request: AccessRequest, user: Any) -> None:
    refusal = _refusal(access_request, request.POST)
    upload = request.FILES.get("file")
    stored = store_upload(upload) if upload else None
    appeal = do_register_appeal(
        refusal, _date(request.POST.get("received_on", "")), file=stored, actor=user
    )
    if appeal.late:
        messages.warning(request, _("The appeal came in late: it is to be rejected (FL 45 §)."))


def _do(request: HttpRequest, access_request: AccessRequest) -> None:
    user = current_user(request)
    post = request.POST
    actions: dict[str, Callable[[], Any]] = {
        "ask": lambda: do_ask_for_decision(access_request, actor=user),
        "refuse": lambda: do_refuse(
            access_request,
            list(access_request.items.filter(pk__in=post.getlist("items"), review__in=REFUSABLE)),
            post.get("reasons", ""),
            substitute_for=_substitute_for(access_request, post),
            actor=user,
        ),
        "appeal": lambda: _register_appeal(request, access_request, user),
        "reconsider": lambda: do_reconsider(
            _appeal(access_request, post.get("appeal", "")),
            post.get("changed") == "yes",
            post.get("text", ""),
            actor=user,
        ),
        "sent": lambda: do_mark_refusal_sent(_refusal(access_request, post), actor=user),
        "forward": lambda: do_forward_appeal(
            _appeal(access_request, post.get("appeal", "")), actor=user
        ),
    }
    action = actions.get(post.get("do", ""))
    if action is None:
        raise ValidationError(_("Choose what to do."))
    action()


@login_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """The refusals of a request, the form for a written decision and the appeals."""
    access_request = visible_request(request, pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            _do(request, access_request)
        except ValidationError as error:
            errors, status = error.messages, 400
        except PermissionDenied as error:
            errors, status = [str(error)], 403
        else:
            messages.success(request, _("Saved."))
            return redirect("requests:refuse", pk=access_request.pk)
    refusals = [
        (refusal, appeal_ends(refusal), list(refusal.appeals.all()))
        for refusal in access_request.refusals.select_related("document", "decided_by")
    ]
    point = refusal_point(access_request.authority)
    context = {
        "access_request": access_request,
        "refusable": access_request.items.filter(review__in=REFUSABLE),
        "point": point,
        "delegates": point.delegates.select_related("user") if point else [],
        "refusals": refusals,
        "errors": errors,
        "post": request.POST,
    }
    return render(request, "requests/refuse_page.html", context, status=status)
