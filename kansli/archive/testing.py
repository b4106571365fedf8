"""Test helpers for the e-archive: a closed case with everything a package must carry,
built through the real actions (parties, one with protected identity and an address; a
secrecy-marked document; a voided one; a file in two versions; a non-ASCII file name;
a text document that gets a PDF/A rendition), and a snapshot of an installation's
cases for comparing a round trip."""

from __future__ import annotations

import datetime
from typing import Any

from kansli.archive.demo import register_complete_case
from kansli.archive.importer import signed
from kansli.archive.reader import PackageSignature
from kansli.meetings.models import Paragraph
from kansli.meetings.models.meetings import NEUTRAL_HEADING
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
    timeline entries an import makes of them), and its § in approved minutes with their
    meeting, agenda item, decision and approval (`paragraphs`; the signatures by name,
    role and time, as the import's timeline gives them). The
    case's opening and closing are in ERMS's dates, which are given to the second."""
    cases = Case.objects.select_related("authority").prefetch_related("parties", "timeline")
    found = []
    for case in cases.order_by("authority__code", "year", "number"):
        decisions = (
            Paragraph.objects.filter(item__case=case, minutes__locked_at__isnull=False)
            .select_related("item__secrecy", "item__report", "extract", "minutes__meeting", "body")
            .prefetch_related("minutes__approvers", "minutes__approvals__user")
            .order_by("body__authority__code", "year", "number")
        )
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
            "paragraphs": [_paragraph(p) for p in decisions],
        })  # fmt: skip
    return found


def _decided(paragraph: Paragraph) -> str:
    """What a package says of a decision: a non-public item's neutral heading only."""
    if paragraph.item.secrecy_id is None:
        return paragraph.decision
    return paragraph.item.public_title or NEUTRAL_HEADING


def _paragraph(paragraph: Paragraph) -> dict[str, Any]:
    """A § as a package carries it: a non-public item by its neutral heading and
    provision only (its title and texts are in the secret minutes extract)."""
    item, minutes = paragraph.item, paragraph.minutes
    meeting = minutes.meeting
    secret = item.secrecy is not None
    provision = item.secrecy.reference if item.secrecy else None
    chosen = {user.pk for user in minutes.approvers.all()}
    return {
        "body": paragraph.body.code, "year": paragraph.year, "number": paragraph.number,
        "meeting": [_iso(meeting.starts_at), _iso(meeting.ends_at), meeting.place],
        "minutes": [_iso(minutes.locked_at), minutes.approval_place, _iso(minutes.approval_due)],
        "item": [
            (item.public_title or NEUTRAL_HEADING) if secret else item.title, item.public_title,
            provision, item.section, item.reference,
            _iso(item.preregistered_at), item.report.number if item.report else None,
            "" if secret else item.proposal, "" if secret else item.rapporteur,
        ],
        "decision": ["", "", ""] if secret else [paragraph.decision, paragraph.reasons,
                                                 paragraph.note],
        "outcome": [paragraph.outcome, paragraph.appeal_route, _iso(paragraph.approved_at),
                    _iso(paragraph.immediate_at), _iso(paragraph.appealed_on)],
        "extract": paragraph.extract.number if paragraph.extract else None,
        "signatures": [
            signed(PackageSignature(
                username=a.user.username, name=a.user.get_full_name() or a.user.username,
                role="justerare" if a.user_id in chosen else "ordförande",
                approved_at=a.approved_at,
            ))
            for a in sorted(minutes.approvals.all(), key=lambda a: (a.approved_at, a.pk))
        ],
    }  # fmt: skip


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
