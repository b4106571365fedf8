"""The written decision to refuse (avslagsbeslut) as PDF, in the municipality's graphic
profile, always in Swedish."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from kansli.meetings.models import DelegationPoint
from kansli.meetings.pdf import _render
from kansli.requests.models import AccessRequest, RequestedItem, Review


def refusal_pdf(
    request: AccessRequest,
    items: Sequence[RequestedItem],
    reasons: str,
    *,
    point: DelegationPoint,
    decided_by: Any,
    decided_on: datetime.date,
) -> bytes:
    """The decision: the request, each document refused by its number (never its
    description, which may itself be secret), whole or in part, with its provisions,
    the reasons and how to appeal (OSL 6 kap. 8 §, FL 44 §)."""
    rows = [
        (item, item.review == Review.REDACT, [p.reference for p in item.provisions.all()])
        for item in items
    ]
    provisions = sorted({reference for _i, _p, refs in rows for reference in refs})
    return _render(
        "requests/pdf/refusal.html",
        request.authority.municipality,
        {
            "request": request,
            "rows": rows,
            "reasons": reasons,
            "provisions": provisions,
            "point": point,
            "decided_by": decided_by,
            "today": decided_on,
        },
    )
