"""The registrars' pages of the functional mailbox: forwarding misaddressed mail from
the inbox, and the quarantine of messages that could not be taken in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kansli.files.download import file_response
from kansli.mailbox.actions import do_forward_inbox_item
from kansli.mailbox.forms import ForwardForm
from kansli.mailbox.models import QuarantinedMessage
from kansli.org.models import User
from kansli.registry.permissions import REGISTERING_ROLES
from kansli.registry.views.common import authorities_with, current_user, require, waiting_items

PER_PAGE = 50


@login_required
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Forward a waiting inbox item that came to the wrong authority (felsänd post)."""
    user = current_user(request)
    require(authorities_with(user, REGISTERING_ROLES).exists())
    item = get_object_or_404(waiting_items(user), pk=pk)
    form = ForwardForm(item, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forwarding = do_forward_inbox_item(
                item, reason=data["reason"], to_authority=data["to_authority"],
                to_address=data["to_address"], actor=user,
            )  # fmt: skip
        except ValidationError as error:
            form.add_action_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            where = (
                forwarding.to_authority.name if forwarding.to_authority else forwarding.to_address
            )
            messages.success(request, _("Forwarded to %(where)s.") % {"where": where})
            return redirect("registry:inbox")
    return render(request, "mailbox/forward.html", {"form": form, "item": item})


def quarantined(user: User) -> QuerySet[QuarantinedMessage]:
    """The quarantine of the mailboxes of the authorities the user registers for."""
    authorities = authorities_with(user, REGISTERING_ROLES)
    return QuarantinedMessage.objects.filter(mailbox__authority__in=authorities).select_related(
        "mailbox__authority", "stored"
    )


@login_required
@require_GET
def quarantine(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(authorities_with(user, REGISTERING_ROLES).exists())
    page = Paginator(quarantined(user), PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "mailbox/quarantine.html", {"page": page})


@login_required
@require_GET
def quarantined_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The message as it came from the server, whole."""
    held = get_object_or_404(quarantined(current_user(request)), pk=pk)
    return file_response(held.stored, f"karantan-{held.pk}.eml")
