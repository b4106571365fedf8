"""Publication of the decisions (expediering): the minutes extract (protokollsutdrag)
registered in its case, and the dispatch of a decision to those concerned, by e-mail or
letter, through Skatteverket to a party with protected identity."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.store import store_bytes
from kansli.meetings import appeal, notify
from kansli.meetings.models import AppealRoute, Expedition, Minutes, Outcome, Paragraph
from kansli.meetings.models.notices import FORWARDED_BY, PROTECTED_RECIPIENT
from kansli.meetings.permissions import require_secretary
from kansli.registry import actions as registry
from kansli.registry.models import CaseStatus, Direction, Party
from kansli.registry.models.cases import TRANSITIONS
from kansli.registry.secrecy import Marking, case_markings

PROTECTED_BY_LETTER = (
    "Till en part med skyddad identitet skickas beslutet med brev via Skatteverket, "
    "inte med e-post."
)
NOT_DISPATCHED = (
    "En formalia-punkt hör inte till något ärende: den har inget protokollsutdrag och "
    "expedieras inte."
)


def register_extract(
    paragraph: Paragraph, day: datetime.date, *, corrected: bool = False, data: bytes
) -> None:
    """Protokollsutdrag: the § as a document drawn up in its case on `day`, with the
    extract PDF rendered beforehand (`data`, pdf.extract_pdf, outside the transaction);
    a decided case is marked decided (beslutat)."""
    case = paragraph.item.case
    if case is None:  # a procedural § belongs to no case: there is no extract
        return
    label = f"Protokollsutdrag {paragraph.body.code} {paragraph.year} § {paragraph.number}"
    label += " (rättelse)" if corrected else ""
    # The extract is the § in full: it carries the strongest of the case's markings
    # and a non-public item's provision.
    inherited = case_markings(case)
    item = paragraph.item
    if item.secrecy is not None:
        basis = (
            f"Icke offentligt ärende, {paragraph.body.code} {paragraph.year} § {paragraph.number}"
        )
        inherited.append(Marking(item.secrecy, False, False, None, basis))
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        day,
        label,
        document_type="Protokollsutdrag",
        inherited=inherited,
        actor=None,
    )
    name = f"protokollsutdrag-{paragraph.number}.pdf"
    registry.do_attach_file(document, store_bytes(data, name), name, actor=None)
    paragraph.extract = document
    paragraph.save(update_fields=["extract"])
    if not corrected and appeal.route_of(paragraph) == AppealRoute.LEGALITY:
        note_legal_force(paragraph)
    if paragraph.outcome == Outcome.DECIDED and CaseStatus.DECIDED in TRANSITIONS[case.status]:
        registry.do_change_case_status(case, CaseStatus.DECIDED, actor=None)


def note_legal_force(paragraph: Paragraph) -> None:
    """Put the day the decision gains legal force (laga kraft) on the case's timeline,
    once it is known."""
    day = appeal.legal_force(paragraph)
    case = paragraph.item.case
    if day is not None and case is not None:
        registry.add_to_timeline(
            case,
            "legal_force",
            f"Beslutet i § {paragraph.number} vinner laga kraft den {appeal.long_date(day)} "
            "om det inte överklagas.",
            None,
        )


@transaction.atomic
def do_dispatch_decision(
    paragraph: Paragraph,
    recipients: Sequence[tuple[str, str, str]],
    *,
    forwarded: Sequence[Party] = (),
    at: datetime.datetime | None = None,
    on_sent: Callable[[list[int]], None] | None = None,
    actor: Any,
) -> list[Expedition]:
    """Expediering: send the minutes extract to those concerned — (name, address,
    method) with method "epost" (sent now, the extract attached) or "brev" (put on
    the letter list) — and record each. A party of the case with protected identity
    (`forwarded`, chosen by reference: the secretary does not see the name) gets a
    letter through Skatteverket, which forwards it: Kansli keeps the party's reference
    and the forwarding instruction, never the name or address (OSL 21 kap. 3 §). A
    recipient typed with the name of such a party is taken as that party, so the name
    is not kept either; e-mail to them is refused (the address would name them). Only
    the system may give an earlier time (the demo, imports). `on_sent` is told after
    the e-mails went which of them failed (kansli.distribution records it)."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    if at is not None and actor is not None:
        raise PermissionDenied("Tiden för expedieringen sätts av systemet.")
    case = paragraph.item.case
    if case is None:
        raise ValidationError(NOT_DISPATCHED)
    paragraph.refresh_from_db(fields=["extract", "approved_at"])
    # An immediately approved § (KL 5 kap. 70 §) is dispatched before the minutes are.
    locked_at = paragraph.approved_at or Minutes.objects.get(pk=paragraph.minutes_id).locked_at
    now = min(at or timezone.now(), timezone.now())
    if locked_at is None or paragraph.extract is None or now < locked_at:
        raise ValidationError("Beslutet kan expedieras först när protokollet är justerat.")
    if not recipients and not forwarded:
        raise ValidationError({"recipients": "Ange minst en mottagare."})
    protected = {p.name.strip().casefold(): p for p in case.parties.filter(protected_identity=True)}
    if any(p.case_id != case.pk or not p.protected_identity for p in forwarded):
        raise ValidationError({"forwarded": "Parten hör inte till ärendet."})
    # A protected party's address is not Kansli's to keep: none is needed.
    errors = [
        f"{name or '?'}: ange namn och en giltig adress."
        for name, address, method in recipients
        if not name.strip()
        or not (address.strip() or name.strip().casefold() in protected)
        or method not in Expedition.Method.values
        or (method == Expedition.Method.EMAIL and not _is_email(address))
    ]
    if errors:
        raise ValidationError(errors)
    if any(
        name.strip().casefold() in protected and method == Expedition.Method.EMAIL
        for name, _address, method in recipients
    ):
        raise ValidationError({"recipients": PROTECTED_BY_LETTER})
    rows: list[tuple[Party | None, str, str, str]]
    rows = [(p, "", "", Expedition.Method.LETTER) for p in dict.fromkeys(forwarded)]
    rows += [(protected.get(n.strip().casefold()), n, a, m) for n, a, m in recipients]
    sent = [
        Expedition.objects.create(
            paragraph=paragraph,
            recipient=PROTECTED_RECIPIENT % party.post_reference if party else name.strip(),
            address=FORWARDED_BY if party else address.strip(),
            method=method,
            protected_identity=party is not None,
            sent_at=now,
            sent_by=actor,
        )
        for party, name, address, method in rows
    ]
    registry.add_to_timeline(
        case,
        "dispatch",
        f"Beslutet i § {paragraph.number} expedierades till {len(sent)} mottagare.",
        actor,
    )
    record(
        actor=actor,
        action="meetings.dispatch_decision",
        obj=paragraph,
        label=str(paragraph),
        after={"recipients": [[e.recipient, e.method] for e in sent]},
    )
    if appeal.route_of(paragraph) == AppealRoute.ADMINISTRATIVE:
        note_legal_force(paragraph)
    emails = [e.pk for e in sent if e.method == Expedition.Method.EMAIL]

    def send() -> None:
        failed = notify.decision_sent(paragraph.pk, emails)
        if on_sent is not None:
            on_sent(failed)

    transaction.on_commit(send)
    return sent


@transaction.atomic
def do_record_delivery(expedition: Expedition, day: datetime.date, *, actor: Any) -> Expedition:
    """The day a letter with the decision was delivered (from a delivery receipt, say):
    the recipient was notified then, and a party's three weeks to appeal run from it
    (FL 44 §). An e-mail counts from the day it was sent."""
    paragraph = expedition.paragraph
    require_secretary(actor, paragraph.minutes.meeting.body)
    expedition = Expedition.objects.select_for_update().get(pk=expedition.pk)
    if expedition.method != Expedition.Method.LETTER:
        raise ValidationError({"day": "Bara ett brev får ett datum då det togs emot."})
    if not timezone.localdate(expedition.sent_at) <= day <= timezone.localdate():
        raise ValidationError(
            {"day": "Dagen då brevet togs emot ligger mellan utskicket och i dag."}
        )
    before = expedition.delivered_on
    expedition.delivered_on = day
    expedition.save(update_fields=["delivered_on"])
    case = paragraph.item.case
    assert case is not None  # only a dispatched decision has letters
    registry.add_to_timeline(
        case,
        "delivery",
        f"Ett brev med beslutet i § {paragraph.number} togs emot den {appeal.long_date(day)}.",
        actor,
    )
    if appeal.route_of(paragraph) == AppealRoute.ADMINISTRATIVE:
        note_legal_force(paragraph)
    record(
        actor=actor,
        action="meetings.record_delivery",
        obj=paragraph,
        label=str(paragraph),
        before={"delivered_on": before.isoformat() if before else None},
        after={"expedition": expedition.pk, "delivered_on": day.isoformat()},
    )
    return expedition


@transaction.atomic
def do_record_appeal(paragraph: Paragraph, received_on: datetime.date, *, actor: Any) -> Paragraph:
    """An appeal of the decision came in (the court asks for the municipality's answer,
    or it was handed in here and sent on, FL 43 §): the decision does not gain legal
    force until the appeal is decided. Whether it came in time is noted: the court
    dismisses a late one (KL 13 kap. 5 §, FL 44 §), but that is for the court."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    approved_at = paragraph.approved_at or paragraph.minutes.locked_at
    if approved_at is None:
        raise ValidationError("Beslutet kan inte överklagas förrän protokollet är justerat.")
    if appeal.route_of(paragraph) == AppealRoute.NONE:
        raise ValidationError("Beslutet går inte att överklaga.")
    if paragraph.appealed_on is not None:
        raise ValidationError("Ett överklagande är redan registrerat.")
    decided = timezone.localdate(approved_at)
    if not decided <= received_on <= timezone.localdate():
        raise ValidationError({"received_on": "Dagen ligger mellan justeringen och i dag."})
    in_force = appeal.legal_force(paragraph)
    late = in_force is not None and received_on >= in_force
    paragraph.appealed_on = received_on
    paragraph.save(update_fields=["appealed_on"])
    text = f"Beslutet i § {paragraph.number} har överklagats; överklagandet kom in den "
    text += appeal.long_date(received_on)
    text += ", efter överklagandetidens slut." if late else "."
    if paragraph.item.case is not None:
        registry.add_to_timeline(paragraph.item.case, "appeal", text, actor)
    record(
        actor=actor,
        action="meetings.record_appeal",
        obj=paragraph,
        label=str(paragraph),
        after={"received_on": received_on.isoformat(), "late": late},
    )
    return paragraph


def _is_email(address: str) -> bool:
    """Whether Django's EmailValidator takes the address."""
    try:
        validate_email(address.strip())
    except ValidationError:
        return False
    return True
