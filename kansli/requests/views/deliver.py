"""Delivering copies to the requester: the officer picks what to send and how, sees the
pages and the fee, and confirms; the requester's download page behind a signed link."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.files.download import file_response
from kansli.public.ratelimit import refused
from kansli.registry.views.common import current_user
from kansli.requests.actions.deliver import (
    do_count_download,
    do_deliver,
    do_revoke_link,
    opened_link,
    preview,
    require_readable,
)
from kansli.requests.models import (
    AccessRequest,
    Delivery,
    DeliveryMethod,
    RequestedItem,
    Review,
)


def visible_request(request: HttpRequest, pk: int) -> AccessRequest:
    """The request if the user may read its case; 404 as for a missing one otherwise."""
    found = AccessRequest.objects.visible_to(request.user).select_related(
        "case", "authority__municipality"
    )
    return get_object_or_404(found, pk=pk)


def _chosen(access_request: AccessRequest, values: list[str]) -> list[RequestedItem]:
    pks = [int(v) for v in values if v.isdigit()]
    return list(access_request.items.filter(pk__in=pks).select_related("document", "redacted"))


def _fee(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return None


@login_required
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose, confirm (pages and fee) and send."""
    access_request = visible_request(request, pk)
    items = access_request.items.exclude(review=Review.PENDING).select_related("document")
    context = {
        "access_request": access_request,
        "items": items,
        "methods": DeliveryMethod.choices,
        "errors": [],
    }
    if request.method != "POST":
        return render(request, "requests/deliver_page.html", context)
    chosen = _chosen(access_request, request.POST.getlist("items"))
    method, address = request.POST.get("method", ""), request.POST.get("address", "")[:300]
    context |= {"chosen": chosen, "method": method, "address": address}
    try:
        if request.POST.get("step") != "send":
            require_readable(current_user(request), chosen)
            context["preview"] = preview(access_request, chosen)
            return render(request, "requests/deliver_confirm.html", context)
        _delivery, link = do_deliver(
            access_request,
            chosen,
            method,
            address=address,
            fee_shown=_fee(request.POST.get("fee", "")),
            actor=current_user(request),
        )
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "requests/deliver_page.html", context, status=400)
    except PermissionDenied as error:
        context["errors"] = [str(error)]
        return render(request, "requests/deliver_page.html", context, status=403)
    messages.success(request, _("The copies were delivered and the delivery registered."))
    if link:
        messages.info(request, _("Download link: %(link)s") % {"link": link})
    if access_request.withholds():
        # OSL 6 kap. 7 §: the requester is to be told; the e-mail and the letter say it.
        messages.info(
            request,
            _(
                "Not everything asked for is disclosed: the requester has been told they "
                "may ask for the authority's written decision. Record it on the refusal page "
                "if they do."
            ),
        )
    return redirect("requests:deliver", pk=access_request.pk)


@login_required
@require_POST
def revoke_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a delivery's link (the form beside it in the list of deliveries); 403
    for whoever may read the request but not deliver for its authority."""
    visible = AccessRequest.objects.visible_to(request.user)
    delivery = get_object_or_404(Delivery.objects.filter(request__in=visible), pk=pk)
    try:
        do_revoke_link(delivery, request.POST.get("reason", ""), actor=current_user(request))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The link is withdrawn: it opens nothing any more."))
    return redirect("requests:deliver", pk=delivery.request_id)


def download(request: HttpRequest, token: str) -> HttpResponse:
    """The requester's page of a delivery: exactly its files, while the link is valid;
    otherwise the same 404 page as for anything else missing. Both this and each file
    count against the public limit per client, apart from the e-diary's (a link handed
    on, or guessed at, is not a way to use the server without end)."""
    refusal = refused(request, "deliver")
    if refusal is not None:
        return refusal
    found = opened_link(token)
    if found is None:
        return render(request, "requests/deliver_gone.html", status=404)
    delivery, files = found
    conditions = [i for i in delivery.items.all() if i.review == Review.CONDITIONS]
    withheld = delivery.request.withholds()
    return render(
        request,
        "requests/deliver_download.html",
        {
            "delivery": delivery,
            "files": files,
            "token": token,
            "conditions": conditions,
            "withheld": withheld,
        },
    )


def download_file(request: HttpRequest, token: str, file_pk: int) -> HttpResponseBase:
    """One file of the delivery, counted; nothing about who fetched it is kept."""
    refusal = refused(request, "deliver")
    if refusal is not None:
        return refusal
    found = opened_link(token)
    document_file = None
    if found is not None:
        document_file = next((f for f in found[1] if f.pk == file_pk), None)
    if found is None or document_file is None:
        return render(request, "requests/deliver_gone.html", status=404)
    do_count_download(found[0], document_file, actor=None)
    return file_response(document_file.stored, document_file.name, copy=True)
