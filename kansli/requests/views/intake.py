"""The public form for a request for public documents (no login, TF 2 kap. 15 och
18 §§), its receipt, and the staff's registration of a request taken by phone, at the
counter or by letter, or from an e-mail in the inbox. The public form keeps nothing of
the sender but what they typed: no address, no browser (kansli.web.spam counts posts
under a digest whose key lives in memory only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kansli.registry.models import InboxItem
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, require, run_action
from kansli.requests.actions.intake import do_register_request, do_register_request_from_inbox
from kansli.requests.intake_forms import PublicRequestForm, StaffRequestForm
from kansli.requests.models import AccessRequest
from kansli.web import spam

_RECEIPT = "kansli.requests.receipt"


def receipt_token(request: AccessRequest) -> str:
    return signing.dumps(request.pk, salt=_RECEIPT)


@never_cache
def public_form(request: HttpRequest) -> HttpResponse:
    """Ask for documents. Name and contact are optional: nobody must say who they are
    or why (TF 2 kap. 18 §)."""
    posted = request.method == "POST"
    form = PublicRequestForm(request.POST if posted else None)
    if posted:
        refused = spam.refusal(request, scope="begaran")
        if refused:
            form.is_valid()
            form.add_error(None, refused)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                made = do_register_request(
                    data["authority"], data["description"], channel="web",
                    name=data["name"], contact=data["contact"], actor=None,
                )  # fmt: skip
            except ValidationError as error:
                form.add_action_errors(error)
            else:
                return redirect("requests:receipt", token=receipt_token(made))
    context = {"form": form} | spam.spam_context()
    return render(request, "requests/intake_public.html", context)


@never_cache
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt of one request, reached only by its signed token."""
    try:
        pk = signing.loads(token, salt=_RECEIPT)
    except signing.BadSignature:
        raise Http404 from None
    made = get_object_or_404(AccessRequest.objects.select_related("case__authority"), pk=pk)
    return render(request, "requests/intake_receipt.html", {"made": made})


@never_cache
@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Staff register a request that came by phone, at the counter or by letter."""
    user = current_user(request)
    authorities = authorities_with(user, REGISTERING_ROLES)
    require(authorities.exists())
    form = StaffRequestForm(request.POST or None, authorities=authorities)

    def run() -> str:
        data = form.cleaned_data
        made = do_register_request(
            data["authority"], data["description"], channel=data["channel"],
            name=data["name"], contact=data["contact"], received_at=data["received_at"],
            actor=user,
        )  # fmt: skip
        form.made = made  # type: ignore[attr-defined]
        return _("The request was registered as %(number)s.") % {"number": made.case.case_number}

    if request.method == "POST":
        done = run_action(request, form, run, reverse("requests:overview"))
        if done:
            return redirect("requests:detail", pk=form.made.pk)  # type: ignore[attr-defined]
    return render(request, "requests/intake_register.html", {"form": form})


@never_cache
@login_required
def from_inbox(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an e-mail in the registrar's inbox into a request; the e-mail is registered
    in the request's case with its attachments."""
    user = current_user(request)
    items = InboxItem.objects.filter(
        document__isnull=True, authority__in=authorities_with(user, REGISTERING_ROLES)
    )
    item = get_object_or_404(items.select_related("authority", "stored"), pk=pk)
    initial: dict[str, Any] = {"authority": item.authority, "contact": item.sender,
                               "description": item.subject}  # fmt: skip
    form = PublicRequestForm(request.POST or None, initial=initial)
    form.fields.pop("authority")

    def run() -> str:
        data = form.cleaned_data
        made = do_register_request_from_inbox(
            item, data["description"], name=data["name"], contact=data["contact"], actor=user
        )
        form.made = made  # type: ignore[attr-defined]
        return _("The request was registered as %(number)s.") % {"number": made.case.case_number}

    if request.method == "POST":
        done = run_action(request, form, run, reverse("requests:overview"))
        if done:
            return redirect("requests:detail", pk=form.made.pk)  # type: ignore[attr-defined]
    return render(request, "requests/intake_inbox.html", {"form": form, "item": item})
