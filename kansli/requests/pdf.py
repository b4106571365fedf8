"""The letters of a request for public documents as PDF, in the municipality's graphic
profile, always in Swedish: the cover letter of a delivery and the written decision to
refuse (avslagsbeslut)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from kansli.meetings.appeal import court_of
from kansli.meetings.models import DelegationPoint
from kansli.meetings.pdf import _render
from kansli.org.models import Municipality
from kansli.registry.models import DocumentFile
from kansli.requests.models import AccessRequest, Delivery, RequestedItem

# The kammarrätt that hears an appeal of a decision by an authority in a förvaltningsrätt's
# district (förordning (1977:937) om allmänna förvaltningsdomstolars behörighet m.m.,
# 1 §): a refusal to disclose is appealed to it directly (OSL 6 kap. 8 §).
KAMMARRATT = {
    **dict.fromkeys(["Stockholm", "Uppsala"], "Kammarrätten i Stockholm"),
    **dict.fromkeys(["Malmö", "Göteborg", "Karlstad"], "Kammarrätten i Göteborg"),
    **dict.fromkeys(["Falun", "Härnösand", "Umeå", "Luleå"], "Kammarrätten i Sundsvall"),
    **dict.fromkeys(["Linköping", "Jönköping", "Växjö"], "Kammarrätten i Jönköping"),
}
_SEAT = re.compile(r"förvaltningsrätten i (\w+)", re.IGNORECASE)


def kammarratt_of(municipality: Municipality) -> str:
    """The kammarrätt over the förvaltningsrätt configured for the municipality (the
    graphic profile's court, that of the county it is in), or just "kammarrätten" when
    none or an unknown one is configured: never a court that may be the wrong one."""
    seat = _SEAT.search(court_of(municipality))
    return KAMMARRATT.get(seat[1].capitalize(), "kammarrätten") if seat else "kammarrätten"


def refusal_pdf(
    request: AccessRequest,
    items: Sequence[RequestedItem],
    reasons: str,
    *,
    point: DelegationPoint,
    decided_by: Any,
    decided_on: datetime.date,
    substitute_for: Any = None,
) -> bytes:
    """The decision: the request, each document refused by its number (never its
    description, which may itself be secret), whole or in part, with its provisions,
    the reasons and how to appeal (OSL 6 kap. 8 §, FL 44 §)."""
    rows = [(item, item.review, [p.reference for p in item.provisions.all()]) for item in items]
    provisions = sorted({reference for _i, _p, refs in rows for reference in refs})
    return _render(
        "requests/pdf/refusal.html",
        request.authority,
        {
            "request": request,
            "rows": rows,
            "reasons": reasons,
            "provisions": provisions,
            "point": point,
            "decided_by": decided_by,
            "substitute_for": substitute_for,
            "kammarratt": kammarratt_of(request.authority.municipality),
            "today": decided_on,
        },
    )


def delivery_pdf(
    delivery: Delivery, items: Sequence[RequestedItem], files: Sequence[DocumentFile]
) -> bytes:
    """Följebrev: what was sent, how, the pages and the fee; the conditions of what is
    disclosed with conditions (OSL 10 kap. 14 §); and, when something was withheld, that
    the requester may ask for the authority's written decision (OSL 6 kap. 7 §)."""
    request = delivery.request
    return _render(
        "requests/pdf/delivery.html",
        request.authority,
        {
            "request": request,
            "delivery": delivery,
            "items": items,
            "files": files,
            "withheld": request.withholds(),
            "kammarratt": kammarratt_of(request.authority.municipality),
            "today": timezone.localdate(delivery.sent_at),
        },
    )
