"""Data for the delivery, refusal and appeal tests: a request for four documents, one
for each answer (disclose, conditions, redact, refuse), reviewed through do_review_item;
the redacted copy registered in the request's case with its Redaction row, as the
redaction makes it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from pypdf import PdfWriter

from kansli.access.testing import make_access_group
from kansli.files.store import store_bytes
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_attach_file, do_register_document
from kansli.registry.models import Direction, Document
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.actions.review import do_review_item
from kansli.requests.models import AccessRequest, Redaction, RequestedItem
from kansli.requests.testing import make_request


def pdf_bytes(pages: int, text: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text or f"{pages} sidor"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_pdf(document: Document, name: str, pages: int) -> Document:
    do_attach_file(document, store_bytes(pdf_bytes(pages, name), name), name, actor=None)
    return document


@dataclass
class Data:
    registrar: User
    request: AccessRequest
    disclosed: RequestedItem
    conditioned: RequestedItem
    redacted: RequestedItem
    refused: RequestedItem


def make_data(*, verified: bool = True, contact: str = "anna@example.se") -> Data:
    ks = make_authority("KS")
    registrar = make_user("registratorn", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [registrar])
    case = make_case(authority=ks)
    provision = make_provision("OSL 39 kap. 3 §")
    documents = [
        with_pdf(make_incoming(case, description="Protokoll"), "protokoll.pdf", 12),
        with_pdf(make_incoming(case, description="Karta"), "karta.pdf", 1),
        with_pdf(
            make_incoming(case, secrecy=provision, description="Utredning"), "utredning.pdf", 3
        ),
        with_pdf(make_incoming(case, secrecy=provision, description="Läkarintyg"), "intyg.pdf", 2),
    ]
    request = make_request(ks, documents=documents, name="Anna", contact=contact)
    disclosed, conditioned, redacted, refused = request.items.order_by("pk")
    disclosed = do_review_item(disclosed, "disclose", actor=registrar)
    conditioned = do_review_item(
        conditioned, "conditions", conditions="Får inte publiceras.", actor=registrar
    )
    redacted = do_review_item(
        redacted, "redact", provisions=[provision], reasons="Hälsa", actor=registrar
    )
    refused = do_review_item(
        refused, "refuse", provisions=[provision], reasons="Hälsa", actor=registrar
    )
    copy = do_register_document(
        request.case, Direction.DRAWN_UP, timezone.localdate(), "Maskerad kopia", actor=None
    )
    with_pdf(copy, "utredning-maskerad.pdf", 3)
    redacted.redacted = copy
    redacted.save(update_fields=["redacted"])
    Redaction.objects.create(
        item=redacted,
        source=documents[2].files.get().stored,
        result=copy.files.get().stored,
        verified=verified,
        made_by=registrar,
        made_at=timezone.now(),
    )
    request.refresh_from_db()
    return Data(registrar, request, disclosed, conditioned, redacted, refused)
