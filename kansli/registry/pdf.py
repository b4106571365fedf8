"""Letters as PDF: an HTML/CSS template rendered with WeasyPrint (which needs Pango,
Debian package libpango-1.0-0 and libpangoft2-1.0-0)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from kansli.registry.models import Case, Direction, Document


@dataclass
class Recipient:
    name: str
    address: str


def first_incoming(case: Case) -> Document | None:
    """The document that started the case: its first incoming registration."""
    return (
        case.documents.filter(direction=Direction.INCOMING, voided_at__isnull=True)
        .order_by("number")
        .first()
    )


def acknowledgement_pdf(
    case: Case,
    recipient: Recipient | None,
    *,
    received: datetime.date | None = None,
    title: str | None = None,
) -> bytes:
    """Handläggningsbesked: the sender is told the case number, what happens next and
    who handles it. Written in Swedish, whatever language the registrar's screen is in.
    `title`: the case title as the one who makes the letter may read it."""
    from weasyprint import HTML  # imported here: Pango is loaded only when a letter is made

    # The one graphic profile of every generated document; imported from the floor
    # above, here only, rather than a second copy of how a profile is resolved.
    from kansli.drafting.profile import profile_for

    with translation.override("sv"):
        html = render_to_string(
            "registry/letter/acknowledgement.html",
            {
                "case": case,
                "title": case.title if title is None else title,
                "authority": case.authority,
                "municipality": case.authority.municipality,
                "officer": case.officer,
                "recipient": recipient,
                "received": received,
                "today": timezone.localdate(),
                "profile": profile_for(case.authority),
            },
        )
    return bytes(HTML(string=html).write_pdf())
