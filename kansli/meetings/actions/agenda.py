"""The agenda and the notice (föredragningslista och kallelse): scheduling a meeting,
pre-registering items (föranmälan), their secrecy, their order and moves, and the
dispatch (utskick) of the notice with the meeting pack to the members."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.audit.chain import record
from kansli.files.store import store_bytes
from kansli.meetings import notify, pdf
from kansli.meetings.actions.approval import LOCKED
from kansli.meetings.actions.meeting_dates import check_end, require_not_cancelled
from kansli.meetings.announcement import announced_late
from kansli.meetings.models import AgendaItem, Body, Meeting, Minutes, Section
from kansli.meetings.pack import PackError
from kansli.meetings.permissions import require_preparing, require_secretary
from kansli.registry import actions as registry
from kansli.registry.models import Case, Document, SecrecyProvision
from kansli.registry.secrecy import case_markings, default_marking, strongest
from kansli.rows import execute, insert

PROCEDURAL_NO_SECRECY = "En formalia-punkt har ingen sekretess: den hör inte till något ärende."


@transaction.atomic
def do_schedule_meeting(
    body: Body,
    starts_at: datetime.datetime,
    place: str,
    *,
    ends_at: datetime.datetime | None = None,
    actor: Any,
) -> Meeting:
    """Put a meeting in the body's calendar, with its planned end when known (a
    meeting over several days ends on a later day)."""
    require_secretary(actor, body)
    if not place.strip():
        raise ValidationError({"place": "Ange var sammanträdet hålls."})
    check_end(starts_at, ends_at)
    meeting = Meeting.objects.create(
        body=body, starts_at=starts_at, ends_at=ends_at, place=place.strip()
    )
    record(
        actor=actor,
        action="meetings.schedule_meeting",
        obj=meeting,
        label=str(meeting),
        after={
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat() if ends_at else None,
            "place": meeting.place,
        },
    )
    return meeting


@transaction.atomic
def do_preregister_item(
    meeting: Meeting,
    case: Case,
    *,
    title: str,
    proposal: str = "",
    report: Document | None = None,
    attachments: Sequence[Document] = (),
    section: str = Section.DECISIONS,
    public_title: str = "",
    rapporteur: str = "",
    at: datetime.datetime | None = None,
    actor: Any,
) -> AgendaItem:
    """Föranmäl: put a case on a meeting's preliminary agenda. Only the system (the
    demo, imports) may give an earlier time. An item is non-public from the start when
    its case's subject is secret: its process is secret by default, or a document of it
    has even its description withheld (kansli.registry.secrecy); the strongest such
    provision is used. A case with some secret documents only is a public item whose
    decision the public minutes leave out. The secretary may change either with
    do_set_item_secrecy."""
    require_preparing(actor, meeting.body)
    require_not_cancelled(meeting)
    if at is not None and actor is not None:
        raise PermissionDenied("Tiden för anmälan sätts av systemet.")
    now = at or timezone.now()
    errors: dict[str, str] = {}
    if case.authority_id != meeting.body.authority_id:
        errors["case"] = f"Ärendet hör inte till {meeting.body.authority.code}."
    if not title.strip():
        errors["title"] = "Ange ärendets rubrik på föredragningslistan."
    if section not in Section.values:
        errors["section"] = "Välj en avdelning på föredragningslistan."
    for document in [d for d in [report, *attachments] if d is not None]:
        if document.case_id != case.pk:
            errors["report"] = "Handlingarna ska vara registrerade i ärendet."
    if timezone.localdate(now) > meeting.day or hasattr(meeting, "minutes"):
        errors["meeting"] = "Sammanträdet har redan hållits."
    if len(public_title.strip()) > 200:
        errors["public_title"] = "Den neutrala rubriken får vara högst 200 tecken."
    if len(rapporteur.strip()) > 200:
        errors["rapporteur"] = "Föredragande får vara högst 200 tecken."
    if errors:
        raise ValidationError(errors)
    subject = [m for m in case_markings(case) if m.withhold_description]
    marking = strongest([default_marking(case, actor), *subject])
    # A plain INSERT (kansli.rows): an API client may pre-register many items at once.
    item = insert(
        AgendaItem(
            meeting=meeting,
            case=case,
            section=section,
            position=_next_position(meeting),
            title=title.strip(),
            report=report,
            proposal=proposal.strip(),
            preregistered_at=now,
            preregistered_by=actor,
            secrecy=marking.provision if marking else None,
            public_title=public_title.strip(),
            rapporteur=rapporteur.strip(),  # föredragande
        )
    )
    if attachments:
        item.attachments.set(attachments)
    registry.add_to_timeline(case, "agenda", f"Ärendet anmäldes till {meeting}.", actor)
    record(
        actor=actor,
        action="meetings.preregister_item",
        obj=item,
        label=item.title,
        after={
            "meeting": str(meeting),
            "case": case.case_number,
            "late": item.late,
            "extra": item.extra,
            "secrecy": str(item.secrecy or ""),
        },
    )
    return item


@transaction.atomic
def do_set_item_secrecy(
    item: AgendaItem,
    provision: SecrecyProvision | None,
    *,
    public_title: str = "",
    reason: str = "",
    actor: Any,
) -> AgendaItem:
    """Make an item non-public (secret content, dealt with behind closed doors) with
    its provision and neutral heading, or public again with a reason (audited). The
    secretary decides, before the minutes are approved: approved minutes are sealed."""
    require_secretary(actor, item.meeting.body)
    if Minutes.objects.filter(meeting=item.meeting, locked_at__isnull=False).exists():
        raise ValidationError(LOCKED)
    if item.case_id is None and provision is not None:
        raise ValidationError(PROCEDURAL_NO_SECRECY)
    errors: dict[str, str] = {}
    if len(public_title.strip()) > 200:
        errors["public_title"] = "Den neutrala rubriken får vara högst 200 tecken."
    if provision is None and item.secrecy_id is not None and not reason.strip():
        errors["reason"] = "Ange varför ärendet ska vara offentligt."
    if errors:
        raise ValidationError(errors)
    before = {"secrecy": str(item.secrecy or ""), "public_title": item.public_title}
    item.secrecy = provision
    item.public_title = public_title.strip() if provision else ""
    item.save(update_fields=["secrecy", "public_title"])
    after = {"secrecy": str(provision or ""), "public_title": item.public_title}
    if reason.strip():
        after["reason"] = reason.strip()
    label = item.public_heading if provision else item.title
    record(actor=actor, action="meetings.set_item_secrecy", obj=item, label=label,
           before=before, after=after)  # fmt: skip
    return item


@transaction.atomic
def do_arrange_agenda(
    meeting: Meeting,
    order: Sequence[tuple[AgendaItem, str]],
    *,
    moves: Sequence[tuple[AgendaItem, Meeting]] = (),
    actor: Any,
) -> None:
    """The secretary's order of the items and their sections, and the items moved to
    other meetings (`moves`), saved together from the one agenda form: a refused move
    saves no order either."""
    require_secretary(actor, meeting.body)
    if any(item.meeting_id != meeting.pk for item, _ in [*order, *moves]):
        raise ValidationError("Ett ärende hör till ett annat sammanträde.")
    for position, (item, section) in enumerate(order, start=1):
        if section not in Section.values:
            raise ValidationError({"section": "Välj en avdelning på föredragningslistan."})
        item.position, item.section = position, section
        item.save(update_fields=["position", "section"])
    record(
        actor=actor,
        action="meetings.arrange_agenda",
        obj=meeting,
        label=str(meeting),
        after={"order": [[item.pk, section] for item, section in order]},
    )
    for item, later in moves:
        do_move_item(item, later, actor=actor)


def _next_position(meeting: Meeting) -> int:
    """The place after the last item on the meeting's agenda (a plain statement: it is
    asked for every item pre-registered)."""
    sql = "SELECT MAX(position) FROM meetings_agendaitem WHERE meeting_id = %s"
    return int(execute(sql, [meeting.pk]).fetchone()[0] or 0) + 1


@transaction.atomic
def do_move_item(item: AgendaItem, to: Meeting, *, actor: Any) -> AgendaItem:
    """Move an item to another meeting of the same body (last on its agenda)."""
    require_secretary(actor, item.meeting.body)
    if to.body_id != item.meeting.body_id:
        raise ValidationError("Ärendet kan bara flyttas till samma organs sammanträden.")
    require_not_cancelled(to)  # from a cancelled meeting, to one that is held
    if hasattr(to, "minutes") or hasattr(item, "paragraph"):
        raise ValidationError("Protokollet för sammanträdet är redan påbörjat.")
    before = str(item.meeting)
    item.meeting = to
    item.position = _next_position(to)
    item.save(update_fields=["meeting", "position"])
    if item.case is not None:
        registry.add_to_timeline(item.case, "agenda", f"Ärendet flyttades till {to}.", actor)
    record(
        actor=actor,
        action="meetings.move_item",
        obj=item,
        label=item.title,
        before={"meeting": before},
        after={"meeting": str(to)},
    )
    return item


def do_dispatch_meeting(
    meeting: Meeting,
    *,
    at: datetime.datetime | None = None,
    notify_members: bool = True,
    actor: Any,
) -> Meeting:
    """Utskick: make the notice with the agenda and the meeting pack, and e-mail every
    member and substitute a link (unless `notify_members` is False: the secretary sends
    it to a distribution list instead, kansli.distribution; the member portal shows the
    meeting all the same). Items that lack something stay marked. Only the system
    may give an earlier time. The notice and the pack (seconds for a long meeting) are
    rendered before the transaction, from the agenda as it stands; the transaction
    stores them only if the agenda has not changed meanwhile."""
    require_secretary(actor, meeting.body)
    require_not_cancelled(meeting)
    if at is not None and actor is not None:
        raise PermissionDenied("Tiden för utskicket sätts av systemet.")
    items = list(
        meeting.items.select_related("case__authority__municipality", "report").prefetch_related(
            "report__files__stored", "attachments__files__stored"
        )
    )
    if not items:
        raise ValidationError("Föredragningslistan är tom.")
    rendered_from = agenda_state(meeting)
    notice = pdf.notice_pdf(meeting, items)
    try:
        pack = pdf.meeting_pack(meeting, items, pdf.notice_pdf(meeting, items, numbered=False))
    except PackError as error:  # a document that cannot be read: nothing is sent
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        # Locked and read afresh: a dispatch at the same time is first or again.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.dispatched_at = locked.dispatched_at
        if agenda_state(meeting) != rendered_from:
            raise ValidationError(
                "Föredragningslistan ändrades medan kallelsen gjordes; skicka den igen."
            )
        return _dispatched(meeting, items, notice, pack, at, actor, notify_members)


def agenda_state(meeting: Meeting) -> tuple[Any, ...]:
    """What the notice and the pack are made from: the meeting's time and place and
    every item's place, text, documents and secrecy. Equal before and after rendering
    means the rendered files are still right."""
    fields = ["pk", "position", "section", "title", "proposal", "report_id", "secrecy_id"]
    fields += ["public_title", "parent_id", "reference", "rapporteur", "case_id"]
    rows = list(meeting.items.order_by("pk").values_list(*fields))
    attached = AgendaItem.attachments.through.objects.filter(agendaitem__meeting=meeting)
    documents = sorted(attached.values_list("agendaitem_id", "document_id"))
    fresh = Meeting.objects.values_list("starts_at", "ends_at", "place", "cancelled_at")
    return (fresh.get(pk=meeting.pk), rows, documents)


def _dispatched(
    meeting: Meeting,
    items: list[AgendaItem],
    notice: bytes,
    pack: bytes,
    at: datetime.datetime | None,
    actor: Any,
    notify_members: bool = True,
) -> Meeting:
    meeting.notice = store_bytes(notice, f"kallelse-{meeting}.pdf")
    meeting.pack = store_bytes(pack, f"handlingar-{meeting}.pdf")
    first = meeting.dispatched_at is None
    if first:  # Leksand's measure: items incomplete when the notice went out
        for item in items:
            item.incomplete_at_dispatch = bool(item.missing)
        AgendaItem.objects.bulk_update(items, ["incomplete_at_dispatch"])
        # A notice sent again keeps the first time: items added since are extra ärenden.
        meeting.dispatched_at = at or timezone.now()
    meeting.save(update_fields=["notice", "pack", "dispatched_at"])
    late = first and announced_late(meeting)
    record(
        actor=actor,
        action="meetings.dispatch_meeting",
        obj=meeting,
        label=str(meeting),
        after={
            "items": len(items),
            "incomplete": [i.pk for i in items if i.missing],
            "again": not first,
            "announced_late": late,
            "members_notified": notify_members,
        },
    )
    if notify_members:
        transaction.on_commit(lambda: notify.notice_sent(meeting.pk))
    return meeting
