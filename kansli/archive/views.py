"""The archivist's pages: the transfers to the e-archive (start an export that runs in
the background with a progress bar, the packages, the receipt), and the checklist for
retiring the system. Those who may not read a transfer (access.rules.visible_transfers)
get 404, as for one that does not exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kansli.archive import actions
from kansli.archive.export import RECEIPT
from kansli.archive.forms import ExportForm, ReceiptForm
from kansli.archive.models import Transfer
from kansli.archive.package import safe_name
from kansli.archive.retiring import checklist
from kansli.archive.tasks import export_transfer
from kansli.org.models import Authority
from kansli.registry.views.common import current_user


def archivist_authorities(user: Any) -> list[Authority]:
    """The authorities whose cases the user transfers (their archivist; a system
    administrator: every one)."""
    return [
        a for a in Authority.objects.valid_on().order_by("code") if actions.may_transfer(user, a)
    ]


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    transfers = Transfer.objects.visible_to(current_user(request)).select_related("authority")
    return get_object_or_404(transfers, pk=pk)


def transfer_folder(authority: Authority) -> Path:
    """Where a transfer started from the web writes its packages."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    return Path(settings.DATA_DIR) / "e-arkiv" / f"{safe_name(authority.code)}-{stamp}"


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    authorities = archivist_authorities(user)
    transfers = Transfer.objects.visible_to(user).select_related("authority")
    if not authorities and not transfers.exists():
        raise Http404
    form = ExportForm(request.POST or None, authorities=[(str(a.pk), str(a)) for a in authorities])
    if request.method == "POST" and form.is_valid():
        authority = next(a for a in authorities if str(a.pk) == form.cleaned_data["authority"])
        try:
            transfer = actions.do_start_transfer(
                authority,
                form.cleaned_data["closed_before"],
                transfer_folder(authority),
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            transaction.on_commit(lambda: export_transfer.enqueue(transfer.pk, user.pk))
            messages.success(request, _("The export has started; this page shows how it goes."))
            return redirect("archive:transfer", transfer.pk)
    return render(
        request,
        "archive/index.html",
        {"transfers": transfers[:200], "form": form if authorities else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = ReceiptForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_register_receipt(
                transfer, form.cleaned_data["reference"], form.cleaned_data["received_on"],
                actor=current_user(request),
            )  # fmt: skip
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The receipt is registered: the cases are transferred."))
            return redirect("archive:transfer", transfer.pk)
    return render(
        request,
        "archive/transfer.html",
        {
            "transfer": transfer,
            "packages": transfer.cases.select_related("case").order_by("package"),
            "held": [n for n in transfer.held.split("\n") if n],
            "failed": [n for n in transfer.failed.split("\n") if n],
            "form": form if transfer.status == Transfer.Status.EXPORTED else None,
        },
    )


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of an export (polled by the transfer's page)."""
    return render(request, "archive/_progress.html", {"transfer": _transfer(request, pk)})


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> FileResponse:
    """The export's receipt (kvitto.csv): packages, case numbers and checksums."""
    transfer = _transfer(request, pk)
    path = Path(transfer.folder) / RECEIPT
    if not path.exists():
        raise Http404
    name = f"kvitto-leverans-{transfer.pk}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


@login_required
@require_GET
def retiring(request: HttpRequest) -> HttpResponse:
    authorities = archivist_authorities(current_user(request))
    if not authorities:
        raise Http404
    return render(request, "archive/retiring.html", {"lists": [checklist(a) for a in authorities]})
