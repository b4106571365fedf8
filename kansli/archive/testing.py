"""Test helpers for the e-archive: a closed case with everything a package must carry,
built through the real actions (parties, one with protected identity and an address; a
secrecy-marked document; a voided one; a file in two versions; a non-ASCII file name;
a text document that gets a PDF/A rendition), and a snapshot of an installation's
cases for comparing a round trip."""

from __future__ import annotations

import datetime
from typing import Any

from kansli.archive.demo import register_complete_case
from kansli.meetings.models import Paragraph
from kansli.org.models import Authority
from kansli.registry.models import Case, Document
from kansli.registry.testing import make_provision


def make_archivable_case(authority: Authority, closed: datetime.date, title: str = "") -> Case:
    return register_complete_case(
        authority, closed, make_provision("OSL 21 kap. 3 §"),
        title or "Ansökan om bygglov för förråd på Åsbacken 3:14",
    )  # fmt: skip


def snapshot() -> list[dict[str, Any]]:
    """Every case of the installation as a package carries it, without database ids or
    people (an empty installation has no users), for comparing a round trip: the case,
    its parties, its documents with their secrecy markings and files (by SHA-256), and
    its decisions (the § texts here, or a non-public item's neutral heading; the
    timeline entries an import makes of them). The
    case's opening and closing are in ERMS's dates, which are given to the second."""
    cases = Case.objects.select_related("authority").prefetch_related("parties", "timeline")
    found = []
    for case in cases.order_by("authority__code", "year", "number"):
        decisions = Paragraph.objects.filter(
            item__case=case, minutes__locked_at__isnull=False
        ).select_related("item")
        found.append({
            "authority": case.authority.code, "number": case.case_number, "title": case.title,
            "status": case.status, "opened": _iso(_second(case.opened_at)),
            "closed": _iso(_second(case.closed_at)), "due": _iso(case.due_date),
            "void_reason": case.void_reason,
            "parties": sorted((p.name, p.identity_number, p.address, p.email, p.role,
                               p.protected_identity) for p in case.parties.all()),
            "documents": [_document(d) for d in case.documents.select_related("secrecy")
                          .prefetch_related("files__stored").order_by("number")],
            "decisions": sorted(_decided(p) for p in decisions if p.decision),
            "decided": sorted(e.text for e in case.timeline.all() if e.kind == "decision"),
        })  # fmt: skip
    return found


def _decided(paragraph: Paragraph) -> str:
    """What a package says of a decision: a non-public item's neutral heading only."""
    if paragraph.item.secrecy_id is None:
        return paragraph.decision
    return paragraph.item.public_title or "Icke offentligt ärende"


def _document(document: Document) -> dict[str, Any]:
    return {
        "number": document.number, "description": document.description,
        "direction": document.direction, "date": _iso(document.document_date),
        "registered": _iso(document.registered_at), "counterpart": document.counterpart,
        "address": document.counterpart_address, "private": document.counterpart_is_private,
        "type": document.document_type, "lag": document.registration_lag,
        "secrecy": document.secrecy.reference if document.secrecy else None,
        "marked": _iso(document.secrecy_marked_at),
        "withheld": [document.withhold_counterpart, document.withhold_description],
        "voided": _iso(document.voided_at), "void_reason": document.void_reason,
        "files": sorted([f.name, f.version, f.stored.sha256] for f in document.files.all()),
    }  # fmt: skip


def _second(moment: datetime.datetime | None) -> datetime.datetime | None:
    return moment.replace(microsecond=0) if moment is not None else None


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None
