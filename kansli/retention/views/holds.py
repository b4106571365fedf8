"""The legal holds page: the holds of the authorities the user reads them for (active
first, then lifted, with who and why), and for the archivist or the data protection
officer a form to put a hold on cases or a counterpart's name, and a button to lift one
with a reason. A search result is held from the search page's own button."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kansli.org.models import Authority
from kansli.registry.forms import SearchFiltersForm, find_case
from kansli.registry.models import Document
from kansli.registry.permissions import has_role
from kansli.registry.views.common import current_user
from kansli.retention.forms import HoldForm, ReasonForm
from kansli.retention.holds import HOLDING_ROLES, do_lift_hold, do_place_hold
from kansli.retention.models import Hold
from kansli.search.query import search

# A search result held at once: more is refused (narrow the search) rather than held
# in part without anyone noticing.
SEARCH_HOLD_LIMIT = 1000


def holding_authorities(user: Any) -> list[Authority]:
    return [a for a in Authority.objects.valid_on() if has_role(user, a, HOLDING_ROLES)]


def _cases(user: Any, authority: Authority, text: str) -> list[Any]:
    """The cases named by number, or a ValidationError naming those not found."""
    found, missing = [], []
    for number in filter(None, (part.strip() for part in text.split(","))):
        case = find_case(user, number, authority)
        if case is None:
            missing.append(number)
        else:
            found.append(case)
    if missing:
        raise ValidationError(
            {"case_numbers": _("No case %(numbers)s at the authority.")
             % {"numbers": ", ".join(missing)}}
        )  # fmt: skip
    return found


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    holds = Hold.objects.visible_to(user).select_related("authority", "placed_by", "lifted_by")
    authorities = holding_authorities(user)
    if not authorities and not holds.exists():
        raise Http404
    form = HoldForm(request.POST or None, authorities=[(str(a.pk), str(a)) for a in authorities])
    if request.method == "POST":
        if not authorities:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            authority = next(a for a in authorities if str(a.pk) == data["authority"])
            try:
                do_place_hold(
                    authority, data["reason"], cases=_cases(user, authority, data["case_numbers"]),
                    counterpart=data["counterpart"], actor=user,
                )  # fmt: skip
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The hold was put."))
                return redirect("retention:holds")
    return render(
        request,
        "retention/holds.html",
        {
            "active": holds.filter(lifted_at__isnull=True).prefetch_related("cases"),
            "lifted": holds.filter(lifted_at__isnull=False).prefetch_related("cases")[:100],
            "form": form if authorities else None,
            "may_lift": {a.pk for a in authorities},
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@login_required
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    hold = get_object_or_404(Hold.objects.visible_to(user), pk=pk)
    form = ReasonForm(request.POST)
    try:
        do_lift_hold(hold, form.cleaned_data["reason"] if form.is_valid() else "", actor=user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The hold was lifted."))
    return redirect("retention:holds")


@require_POST
@login_required
def hold_search(request: HttpRequest) -> HttpResponse:
    """Hold every document a staff search finds (the search page's words and filters,
    as the user sees them through the gate): one hold per authority of the hits that the
    user decides holds for."""
    user = current_user(request)
    authorities = {a.pk: a for a in holding_authorities(user)}
    if not authorities:
        raise Http404
    query = QueryDict(request.POST.get("query", "")[:2000])
    back = redirect(f"{reverse('registry:search')}?{query.urlencode()}")
    text = query.get("q", "").strip()[:200]
    form = SearchFiltersForm(query, user=user)
    reason = request.POST.get("reason", "").strip()
    if not form.is_valid() or not (text or form.chosen()):
        messages.error(request, _("Search for what is to be held first."))
        return back
    found = search(user, text, limit=SEARCH_HOLD_LIMIT + 1, kind="documents", **form.chosen())
    if len(found.hits) > SEARCH_HOLD_LIMIT:
        messages.error(
            request,
            _("More than %(limit)s documents: narrow the search.") % {"limit": SEARCH_HOLD_LIMIT},
        )
        return back
    # The hits are rows; the hold is placed on the documents themselves.
    readable = Document.objects.visible_to(user).select_related(
        "case__authority__municipality", "case__series"
    )
    by_id = readable.in_bulk([hit.pk for hit in found.hits])
    documents = [by_id[hit.pk] for hit in found.hits if hit.pk in by_id]
    held = 0
    try:
        with transaction.atomic():
            for authority_id, authority in authorities.items():
                mine = [d for d in documents if d.case.authority_id == authority_id]
                if mine:
                    do_place_hold(authority, reason, documents=mine, actor=user)
                    held += len(mine)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return back
    if held:
        messages.success(request, _("%(count)s documents were put under a hold.") % {"count": held})
    else:
        messages.error(request, _("None of the documents found is at an authority you hold for."))
    return back
