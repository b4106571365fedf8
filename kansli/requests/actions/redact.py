"""Redacting a document asked for (maskering, OSL 6 kap. 3 §: what is secret is withheld
and the rest disclosed). The reviewer marks areas of the document's PDF, each with the
provision that withholds it; Kansli makes a new PDF from which what lay under the areas
is removed (kansli.redaction), checks it with two text extractors, and only when none of
the marked text survives registers it in the request's case as an open document and
sets the review to "disclose with redaction". The original and its file are untouched.

Converting, redacting and checking take seconds and happen before the transaction that
writes the audit chain (LAYERS.md); the marked strings are never stored, only their
number and keyed digests."""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.derived import derived_path
from kansli.files.sandbox import OverLimit, ReadFailed
from kansli.files.store import store_bytes
from kansli.inputs import unstorable
from kansli.redaction.areas import Area
from kansli.redaction.convert import NotConvertible, to_pdf
from kansli.redaction.limited import page_sizes, redacted
from kansli.redaction.verify import verify
from kansli.registry.actions import add_to_timeline, do_attach_file, do_register_document
from kansli.registry.models import Direction, DocumentFile, SecrecyProvision
from kansli.registry.models.files import current_files
from kansli.requests.actions.review import do_review_item, require_reviewer
from kansli.requests.models import Redaction, RequestedItem, Review

MAX_AREAS = 2000
MAX_NEEDLES = 50
NOT_VERIFIED = (
    "Markerad text finns kvar i den maskerade kopian (%(found)s). Kopian registreras "
    "inte och kan inte lämnas ut: markera om och försök igen."
)


def source_file(item: RequestedItem) -> DocumentFile:
    """The document's current file to redact: its first PDF, else its first file."""
    if item.document is None:
        raise ValidationError("Koppla först den begärda handlingen till en registrerad handling.")
    files = current_files(item.document.files.select_related("stored"))
    if not files:
        raise ValidationError("Handlingen har ingen fil att maskera.")
    pdfs = [f for f in files if f.stored.content_type == "application/pdf"]
    return (pdfs or files)[0]


def source_pdf(document_file: DocumentFile) -> bytes:
    """The file as a PDF; a conversion (LibreOffice takes seconds) is kept in the data
    directory under the original's SHA-256 (kansli.files.derived: gone with the
    original's bytes)."""
    stored = document_file.stored
    with stored.open() as opened:
        data = opened.read()
    if stored.content_type == "application/pdf":
        return data
    cached = derived_path("redaction", stored.sha256, ".pdf")
    if cached.exists():
        return cached.read_bytes()
    try:
        pdf = to_pdf(data, stored.content_type)
    except NotConvertible as error:
        raise ValidationError(
            f"Filen kan inte göras om till PDF för maskering ({error})."
        ) from error
    cached.parent.mkdir(parents=True, exist_ok=True)
    # Written whole, then renamed: two reviewers converting at once never read half.
    partial = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(pdf)
    partial.replace(cached)
    return pdf


def parse_areas(values: Iterable[Any], sizes: list[tuple[float, float]]) -> list[Area]:
    """Areas as the browser or the API sends them, each checked: a page of the document,
    a rectangle on it, and a provision in use (OSL 6 kap. 3 §: what is withheld names
    its provision)."""
    in_use = set(SecrecyProvision.objects.filter(active=True).values_list("reference", flat=True))
    areas = []
    for value in list(values)[: MAX_AREAS + 1]:
        try:
            area = Area.from_json(value)
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError({"areas": "Ett markerat område kunde inte läsas."}) from error
        if not all(math.isfinite(v) for v in area.rect):
            raise ValidationError({"areas": "Ett markerat område kunde inte läsas."})
        x0, y0, x1, y1 = area.rect
        if not 1 <= area.page <= len(sizes):
            raise ValidationError({"areas": f"Sidan {area.page} finns inte i handlingen."})
        width, height = sizes[area.page - 1]
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
        if x1 - x0 < 1 or y1 - y0 < 1:
            raise ValidationError(
                {"areas": f"Ett område på sidan {area.page} ligger utanför sidan."}
            )
        if area.provision not in in_use:
            raise ValidationError({"areas": "Välj en bestämmelse i OSL för varje markerat område."})
        areas.append(Area(area.page, (x0, y0, x1, y1), area.provision))
    if not areas:
        raise ValidationError({"areas": "Markera minst ett område att maskera."})
    if len(areas) > MAX_AREAS:
        raise ValidationError({"areas": f"Högst {MAX_AREAS} områden kan maskeras på en gång."})
    return areas


def parse_needles(values: Iterable[str]) -> list[str]:
    needles = [v.strip() for v in values if v and v.strip()]
    if len(needles) > MAX_NEEDLES or any(len(n) > 200 or unstorable(n) for n in needles):
        raise ValidationError({"needles": f"Högst {MAX_NEEDLES} sökord om högst 200 tecken."})
    return needles


def digest_key() -> bytes:
    return hashlib.sha256(f"kansli.redaction:{settings.SECRET_KEY}".encode()).digest()


@dataclass(frozen=True)
class Made:
    """What the engine made, before anything is written."""

    source: bytes
    result: bytes
    areas: list[Area]
    check: dict[str, Any]
    verified: bool


def make_redaction(item: RequestedItem, areas: Iterable[Any], needles: Iterable[str]) -> Made:
    """The redacted copy and its check, each step on the outsider's PDF in a child
    process within limits (kansli.redaction.limited); ValidationError if one is over
    them or cannot read the file, and nothing is made."""
    pdf = source_pdf(source_file(item))
    checked_areas = parse_areas(areas, page_sizes(pdf))
    wanted = parse_needles(needles)
    covered, result = redacted(pdf, checked_areas)
    try:
        check = verify(result, covered + wanted, key=digest_key())
    except (OverLimit, ReadFailed) as error:
        raise ValidationError(f"Den maskerade kopian kunde inte kontrolleras ({error}).") from error
    return Made(pdf, result, checked_areas, check.as_json(), check.verified)


def do_redact_item(
    item: RequestedItem, areas: Iterable[Any], *, needles: Iterable[str] = (), actor: Any
) -> Redaction:
    """Redact the document asked for by the areas marked (dicts or Areas: page from 1,
    rect in PDF points, provision), also checking that no `needles` survive. Returns
    the Redaction; when it is not verified nothing is registered and the review is not
    changed (the caller shows NOT_VERIFIED)."""
    require_reviewer(actor, item)
    if item.deliveries.exists():
        raise ValidationError("Handlingen är redan utlämnad; den kan inte maskeras nu.")
    values = [a.as_json() if isinstance(a, Area) else a for a in areas]
    made = make_redaction(item, values, needles)
    return _save(item, made, actor)


@transaction.atomic
def _save(item: RequestedItem, made: Made, actor: Any) -> Redaction:
    item = RequestedItem.objects.select_for_update().get(pk=item.pk)
    require_reviewer(actor, item)
    if item.deliveries.exists():
        raise ValidationError("Handlingen är redan utlämnad; den kan inte maskeras nu.")
    assert item.document is not None  # source_file refused an item without one
    number, case = item.document.document_number, item.request.case
    name = f"{number.replace('/', '-')} maskerad.pdf"
    redaction = Redaction.objects.create(
        item=item, source=store_bytes(made.source, f"{number.replace('/', '-')}.pdf"),
        result=store_bytes(made.result, name), areas=[a.as_json() for a in made.areas],
        checked=made.check, verified=made.verified, made_by=actor, made_at=timezone.now(),
    )  # fmt: skip
    provisions = sorted({a.provision for a in made.areas})
    copy = None
    if made.verified:
        copy = do_register_document(
            case, Direction.DRAWN_UP, timezone.localdate(), f"Maskerad kopia av {number}",
            open_reason="Maskerad kopia: det som omfattas av sekretess är borttaget.",
            actor=actor,
        )  # fmt: skip
        do_attach_file(copy, redaction.result, name, actor=actor)
        chosen = SecrecyProvision.objects.filter(reference__in=provisions)
        item = do_review_item(item, Review.REDACT, provisions=chosen, reasons=item.reasons,
                              conditions=item.conditions, actor=actor)  # fmt: skip
        item.redacted = copy
        item.save(update_fields=["redacted"])
        text = f"{number} maskerades ({len(made.areas)} områden, {', '.join(provisions)}); "
        text += f"kopian registrerades som {copy.document_number}."
    else:
        text = f"Maskeringen av {number} underkändes: markerad text fanns kvar."
    add_to_timeline(case, "review", text, actor)
    record(actor=actor, action="requests.redact_item", obj=item, label=case.case_number,
           after={"redaction": redaction.pk, "areas": len(made.areas), "provisions": provisions,
                  "verified": made.verified, "source": redaction.source.sha256,
                  "result": redaction.result.sha256,
                  "copy": copy.document_number if copy else None})  # fmt: skip
    return redaction


def not_verified_message(redaction: Redaction) -> str:
    extractors = redaction.checked.get("extractors", {})
    found = ", ".join(f"{name}: {value['found']}" for name, value in extractors.items())
    return NOT_VERIFIED % {"found": found}
