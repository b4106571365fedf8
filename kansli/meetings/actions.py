"""Every change in committee administration: scheduling meetings, pre-registering and
ordering items, dispatching the notice, recording the meeting in the minutes, approving
them, the notice board, the minutes extracts, the dispatch of decisions, and delegated
decisions (the delegation order, decisions under it, their report to the board). Each action
checks permission, changes the data and writes its audit event in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kansli.access.rules import position_in
from kansli.audit.chain import record
from kansli.files.detect import DOCX, PDF
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes, store_upload
from kansli.meetings import notify, pdf
from kansli.meetings.models import (
    AgendaItem,
    Approval,
    Attendance,
    Ballot,
    Body,
    Conflict,
    Correction,
    DelegatedDecision,
    DelegationPoint,
    Dissent,
    Expedition,
    GraphicProfile,
    Meeting,
    Minutes,
    Notice,
    Opening,
    Outcome,
    Paragraph,
    PrivateNote,
    Section,
)
from kansli.meetings.models.notices import FORWARDED_BY, PROTECTED_RECIPIENT
from kansli.meetings.pack import PackError
from kansli.meetings.permissions import require_preparing, require_secretary
from kansli.org.changes import apply_changes
from kansli.org.models import Authority, Committee, ElectedPosition, Municipality
from kansli.org.permissions import require_sysadmin
from kansli.registry import actions as registry
from kansli.registry.models import (
    Case,
    CaseStatus,
    Direction,
    Document,
    Party,
    SecrecyProvision,
)
from kansli.registry.models.cases import TRANSITIONS
from kansli.registry.permissions import require_registering
from kansli.registry.secrecy import Marking, case_markings, default_marking, strongest
from kansli.rows import execute, insert
from kansli.workdays.calendar import legal_deadline

LOCKED = "Protokollet är justerat och låst. En ändring kräver en rättelse."

PROTECTED_BY_LETTER = (
    "Till en part med skyddad identitet skickas beslutet med brev via Skatteverket, "
    "inte med e-post."
)


def _open(minutes: Minutes) -> None:
    """Refuse a change to approved minutes. Read from the database, under a row lock,
    so neither a stale object nor an approval at the same moment lets one through."""
    locked = Minutes.objects.select_for_update().filter(pk=minutes.pk)
    if locked.values_list("locked_at", flat=True).get() is not None:
        raise ValidationError(LOCKED)


@transaction.atomic
def do_create_body(
    authority: Authority,
    *,
    committee: Committee | None = None,
    item_deadline_workdays: int = 15,
    dispatch_workdays: int = 7,
    place: str = "",
    term_start_month: int = 10,
    term_start_day: int = 15,
    actor: Any,
) -> Body:
    """Make an authority or one of its committees a body that holds meetings, with its
    rules for the item deadline and the dispatch day (from its reglemente) and the day
    its members' term of office begins."""
    require_sysadmin(actor)
    if committee is not None and committee.authority_id != authority.pk:
        raise ValidationError({"committee": "Utskottet hör till en annan myndighet."})
    if Body.objects.filter(authority=authority, committee=committee).exists():
        raise ValidationError("Organet finns redan.")
    body = Body(
        authority=authority,
        committee=committee,
        item_deadline_workdays=item_deadline_workdays,
        dispatch_workdays=dispatch_workdays,
        place=place.strip(),
        term_start_month=term_start_month,
        term_start_day=term_start_day,
    )
    body.clean()
    body.save()
    record(
        actor=actor,
        action="meetings.create_body",
        obj=body,
        label=str(body),
        after={
            "deadline": item_deadline_workdays,
            "dispatch": dispatch_workdays,
            "term_starts": f"{term_start_day}/{term_start_month}",
        },
    )
    return body


@transaction.atomic
def do_change_body_rules(body: Body, *, actor: Any, **changes: Any) -> Body:
    """Change a body's item deadline, dispatch day, usual place (its reglemente) or the
    day its term of office begins."""
    require_sysadmin(actor)
    allowed = {
        "item_deadline_workdays",
        "dispatch_workdays",
        "place",
        "term_start_month",
        "term_start_day",
    }
    if set(changes) - allowed:
        raise ValidationError(f"Kan inte ändras: {', '.join(sorted(set(changes) - allowed))}.")
    before, after = apply_changes(body, changes)  # checked by the model's clean()
    if after:
        record(
            actor=actor,
            action="meetings.change_body_rules",
            obj=body,
            label=str(body),
            before=before,
            after=after,
        )
    return body


@transaction.atomic
def do_set_graphic_profile(
    municipality: Municipality,
    *,
    colour: str,
    font_family: str,
    logo: StoredFile | None = None,
    actor: Any,
) -> GraphicProfile:
    """The logo, colour and typeface of the notices, minutes and extracts. A new logo
    replaces the old one; without one the old stays."""
    require_sysadmin(actor)
    profile = GraphicProfile.objects.filter(municipality=municipality).first()
    profile = profile or GraphicProfile(municipality=municipality)
    before = {"colour": profile.colour, "font_family": profile.font_family, "logo": profile.logo_id}
    profile.colour, profile.font_family = colour, font_family
    if logo is not None:
        if not logo.content_type.startswith("image/"):
            raise ValidationError({"logo": "Logotypen ska vara en bild (PNG, JPEG eller SVG)."})
        profile.logo = logo
    profile.full_clean()
    profile.save()
    record(
        actor=actor,
        action="meetings.set_graphic_profile",
        obj=profile,
        label=str(municipality),
        before=before,
        after={"colour": colour, "font_family": font_family, "logo": profile.logo_id},
    )
    return profile


@transaction.atomic
def do_schedule_meeting(
    body: Body, starts_at: datetime.datetime, place: str, *, actor: Any
) -> Meeting:
    """Put a meeting in the body's calendar."""
    require_secretary(actor, body)
    if not place.strip():
        raise ValidationError({"place": "Ange var sammanträdet hålls."})
    meeting = Meeting.objects.create(body=body, starts_at=starts_at, place=place.strip())
    record(
        actor=actor,
        action="meetings.schedule_meeting",
        obj=meeting,
        label=str(meeting),
        after={"starts_at": starts_at.isoformat(), "place": meeting.place},
    )
    return meeting


@transaction.atomic
def do_write_report(
    case: Case, *, title: str, background: str, assessment: str, proposal: str, actor: Any
) -> Document:
    """Tjänsteskrivelse written in the browser: rendered as PDF and registered as a
    document drawn up (upprättad) in the case."""
    require_registering(actor, case.authority)  # before the PDF is made
    errors = {
        k: "Fyll i."
        for k, v in [("background", background), ("proposal", proposal)]
        if not v.strip()
    }
    if errors:
        raise ValidationError(errors)
    data = pdf.report_pdf(
        case,
        title=title,
        background=background,
        assessment=assessment,
        proposal=proposal,
        officer=actor,
    )
    return _register_report(
        case, title, store_bytes(data, "tjansteskrivelse.pdf"), "tjansteskrivelse.pdf", actor
    )


@transaction.atomic
def do_upload_report(case: Case, *, title: str, upload: UploadedFile, actor: Any) -> Document:
    """Tjänsteskrivelse written elsewhere and uploaded as PDF or Word (DOCX): registered
    as a document drawn up in the case with the file (the meeting pack converts a Word
    file)."""
    require_registering(actor, case.authority)  # before the file is stored
    stored = store_upload(upload)
    if stored.content_type not in (PDF.mime, DOCX.mime):
        raise ValidationError({"report_file": "Tjänsteskrivelsen ska vara en PDF- eller Word-fil."})
    return _register_report(case, title, stored, upload.name or "tjansteskrivelse", actor)


def _register_report(case: Case, title: str, stored: StoredFile, name: str, actor: Any) -> Document:
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        timezone.localdate(),
        f"Tjänsteskrivelse: {title}",
        document_type="Tjänsteskrivelse",
        inherited=case_markings(case),  # secrecy follows the case's content
        actor=actor,
    )
    registry.do_attach_file(document, stored, name, actor=actor)
    return document


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
    meeting: Meeting, order: Sequence[tuple[AgendaItem, str]], *, actor: Any
) -> None:
    """The secretary's order of the items and their sections."""
    require_secretary(actor, meeting.body)
    if any(item.meeting_id != meeting.pk for item, _ in order):
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
    if hasattr(to, "minutes") or hasattr(item, "paragraph"):
        raise ValidationError("Protokollet för sammanträdet är redan påbörjat.")
    before = str(item.meeting)
    item.meeting = to
    item.position = _next_position(to)
    item.save(update_fields=["meeting", "position"])
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


@transaction.atomic
def do_dispatch_meeting(
    meeting: Meeting, *, at: datetime.datetime | None = None, actor: Any
) -> Meeting:
    """Utskick: make the notice with the agenda and the meeting pack, and e-mail every
    member and substitute a link. Items that lack something stay marked. Only the system
    may give an earlier time."""
    require_secretary(actor, meeting.body)
    if at is not None and actor is not None:
        raise PermissionDenied("Tiden för utskicket sätts av systemet.")
    items = list(
        meeting.items.select_related("case__authority__municipality", "report").prefetch_related(
            "report__files__stored", "attachments__files__stored"
        )
    )
    if not items:
        raise ValidationError("Föredragningslistan är tom.")
    notice = pdf.notice_pdf(meeting, items)
    try:
        pack = pdf.meeting_pack(meeting, items, pdf.notice_pdf(meeting, items, numbered=False))
    except PackError as error:  # a document that cannot be read: nothing is sent
        raise ValidationError(str(error)) from error
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
    record(
        actor=actor,
        action="meetings.dispatch_meeting",
        obj=meeting,
        label=str(meeting),
        after={
            "items": len(items),
            "incomplete": [i.pk for i in items if i.missing],
            "again": not first,
        },
    )
    transaction.on_commit(lambda: notify.notice_sent(meeting.pk))
    return meeting


@transaction.atomic
def do_record_opening(meeting: Meeting, *, at: datetime.datetime | None = None, actor: Any) -> bool:
    """A member opened the meeting's documents; only the first time is kept. Returns
    whether this was the first time. `at` (an earlier time) is for the demo and imports."""
    if not position_in(actor, meeting.body, meeting.day):
        raise PermissionDenied("Du är inte ledamot eller ersättare i organet.")
    _opening, created = Opening.objects.get_or_create(
        meeting=meeting,
        user=actor,
        defaults={"first_opened_at": min(at or timezone.now(), timezone.now())},
    )
    if created:
        record(actor=actor, action="meetings.open_documents", obj=meeting, label=str(meeting))
    return created


@transaction.atomic
def do_save_note(document: Document, text: str, *, actor: Any) -> PrivateNote | None:
    """A member's private note on a document (an empty text removes it). The audit
    event says that a note was written or removed, never its text: no one else may
    read it. Any signed-in user may keep one, since a note shows nothing of the
    document; which documents a member reaches is the portal's (views/portal.py)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Logga in för att skriva anteckningar.")
    note = None
    if not text.strip():
        removed, _kinds = PrivateNote.objects.filter(user=actor, document=document).delete()
        if not removed:
            return None  # nothing was there: nothing changed, nothing to audit
    else:
        note, _created = PrivateNote.objects.update_or_create(
            user=actor,
            document=document,
            defaults={"text": text.strip(), "changed_at": timezone.now()},
        )
    record(
        actor=actor,
        action="meetings.save_note" if note else "meetings.remove_note",
        obj=document,
        label=document.document_number,
    )
    return note


def _next_numbers(body: Body, year: int, count: int, first: int | None) -> list[int]:
    """§ numbers continue per body and year without gaps."""
    used = Paragraph.objects.filter(body=body, year=year)
    after = used.aggregate(last=Max("number"))["last"] or 0
    start = after + 1 if first is None else first
    if first is not None and first <= after:  # after is the highest § taken
        raise ValidationError(
            {"first": f"§ {first} finns redan i {body.code} {year}; nästa lediga är § {after + 1}."}
        )
    return list(range(start, start + count))


@transaction.atomic
def do_open_minutes(
    meeting: Meeting,
    *,
    approvers: Iterable[Any],
    approval_place: str = "",
    approval_due: datetime.date | None = None,
    first: int | None = None,
    actor: Any,
) -> Minutes:
    """Start the minutes: one § per item on the agenda (numbered on from the body's last
    § this year), the decision prefilled from the proposed decision."""
    require_secretary(actor, meeting.body)
    if hasattr(meeting, "minutes"):
        raise ValidationError("Protokollet är redan påbörjat.")
    approvers = list(approvers)
    for person in approvers:
        if not position_in(person, meeting.body, meeting.day):
            raise ValidationError({"approvers": f"{person.get_full_name()} är inte ledamot."})
    items = list(meeting.items.order_by("position", "pk"))
    numbers = _next_numbers(meeting.body, meeting.day.year, len(items), first)
    minutes = Minutes.objects.create(
        meeting=meeting, approval_place=approval_place.strip(), approval_due=approval_due
    )
    minutes.approvers.set(approvers)
    try:
        with transaction.atomic():
            Paragraph.objects.bulk_create(
                Paragraph(
                    minutes=minutes,
                    item=item,
                    body=meeting.body,
                    year=meeting.day.year,
                    number=number,
                    decision=item.proposal,
                    outcome=Outcome.DECIDED if item.section == Section.DECISIONS else Outcome.NOTED,
                )
                for item, number in zip(items, numbers, strict=True)
            )
    except IntegrityError as exc:  # another secretary took the same § at the same time
        raise ValidationError("§-numren krockar med ett annat protokoll; försök igen.") from exc
    record(
        actor=actor,
        action="meetings.open_minutes",
        obj=minutes,
        label=str(minutes),
        after={"paragraphs": numbers, "approvers": [p.pk for p in approvers]},
    )
    return minutes


@transaction.atomic
def do_record_attendance(
    minutes: Minutes,
    user: Any,
    capacity: str,
    *,
    replaces: Any = None,
    from_paragraph: int | None = None,
    to_paragraph: int | None = None,
    actor: Any,
) -> Attendance:
    """Who was there, in which capacity, and from which § to which §."""
    require_secretary(actor, minutes.meeting.body)
    _open(minutes)
    if capacity not in Attendance.Capacity.values:
        raise ValidationError({"capacity": "Välj ledamot, ersättare eller tjänsteperson."})
    if capacity != Attendance.Capacity.OFFICIAL and not position_in(
        user, minutes.meeting.body, minutes.meeting.day
    ):
        raise ValidationError({"user": f"{user.get_full_name()} är inte förtroendevald i organet."})
    if from_paragraph and to_paragraph and to_paragraph < from_paragraph:
        raise ValidationError({"to_paragraph": "Sista § ligger före första §."})
    attendance, _created = Attendance.objects.update_or_create(
        minutes=minutes,
        user=user,
        defaults={
            "capacity": capacity,
            "replaces": replaces,
            "from_paragraph": from_paragraph,
            "to_paragraph": to_paragraph,
        },
    )
    record(
        actor=actor,
        action="meetings.record_attendance",
        obj=minutes,
        label=str(minutes),
        after={"user": user.pk, "capacity": capacity, "from": from_paragraph, "to": to_paragraph},
    )
    return attendance


@transaction.atomic
def do_record_decision(
    paragraph: Paragraph,
    *,
    decision: str,
    outcome: str = Outcome.DECIDED,
    note: str = "",
    later: Meeting | None = None,
    actor: Any,
) -> Paragraph:
    """The decision in a §. A postponed (bordlagt) or referred-back (återremitterat)
    item is put on the agenda of `later`, a later meeting of the same body."""
    minutes = paragraph.minutes
    require_secretary(actor, minutes.meeting.body)
    _open(minutes)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Välj beslutat, bordlagt, återremitterat eller noterat."})
    if outcome == Outcome.DECIDED and not decision.strip():
        raise ValidationError({"decision": "Skriv beslutet."})
    moving = outcome in (Outcome.POSTPONED, Outcome.REFERRED_BACK)
    if moving and (
        later is None
        or later.body_id != minutes.meeting.body_id
        or later.starts_at <= minutes.meeting.starts_at
    ):
        raise ValidationError({"later": "Välj ett senare sammanträde i samma organ."})
    before = {"decision": paragraph.decision, "outcome": paragraph.outcome}
    paragraph.decision, paragraph.outcome, paragraph.note = decision.strip(), outcome, note.strip()
    paragraph.save(update_fields=["decision", "outcome", "note"])
    item = paragraph.item
    # Saved again (a corrected text, say): the case is on the later agenda already.
    if moving and later is not None and not later.items.filter(case_id=item.case_id).exists():
        do_preregister_item(
            later,
            item.case,
            title=item.title,
            proposal=item.proposal,
            report=item.report,
            attachments=list(item.attachments.all()),
            section=item.section,
            actor=actor,
        )
    record(
        actor=actor,
        action="meetings.record_decision",
        obj=paragraph,
        label=str(paragraph),
        before=before,
        after={
            "decision": paragraph.decision,
            "outcome": outcome,
            "later": str(later) if later else None,
        },
    )
    return paragraph


@transaction.atomic
def do_record_conflict(paragraph: Paragraph, user: Any, *, actor: Any) -> Conflict:
    """Jäv: the member takes no part in the § (KL 6 kap. 28 §)."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    _open(paragraph.minutes)
    if paragraph.ballots.filter(user=user).exists():
        raise ValidationError("Ledamoten har redan röstat i paragrafen; ta bort rösten först.")
    conflict, _created = Conflict.objects.get_or_create(paragraph=paragraph, user=user)
    record(
        actor=actor,
        action="meetings.record_conflict",
        obj=paragraph,
        label=str(paragraph),
        after={"user": user.pk},
    )
    return conflict


def serving(minutes: Minutes, number: int) -> dict[int, Attendance]:
    """The members who decide at § `number`: members and serving substitutes present."""
    deciding = [Attendance.Capacity.MEMBER, Attendance.Capacity.SUBSTITUTE]
    return {
        a.user_id: a
        for a in minutes.attendance.filter(capacity__in=deciding)
        if a.present_at(number)
    }


@transaction.atomic
def do_record_vote(paragraph: Paragraph, ballots: dict[Any, str], *, actor: Any) -> dict[str, int]:
    """An open vote (omröstning): each serving member's ja, nej or avstår. A member
    with a conflict of interest in the § cannot vote. Returns the count."""
    minutes = paragraph.minutes
    require_secretary(actor, minutes.meeting.body)
    _open(minutes)
    present = serving(minutes, paragraph.number)
    conflicted = set(paragraph.conflicts.values_list("user_id", flat=True))
    for user, choice in ballots.items():
        name = user.get_full_name() or user.username
        if user.pk in conflicted:
            raise ValidationError(f"{name} är jävig i § {paragraph.number} och får inte rösta.")
        if user.pk not in present:
            raise ValidationError(f"{name} tjänstgör inte vid § {paragraph.number}.")
        if choice not in Ballot.Choice.values:
            raise ValidationError(f"Välj ja, nej eller avstår för {name}.")
    paragraph.ballots.all().delete()
    Ballot.objects.bulk_create(
        Ballot(paragraph=paragraph, user=user, choice=choice) for user, choice in ballots.items()
    )
    count = {choice: list(ballots.values()).count(choice) for choice in Ballot.Choice.values}
    record(
        actor=actor,
        action="meetings.record_vote",
        obj=paragraph,
        label=str(paragraph),
        after={"ballots": {str(u.pk): c for u, c in ballots.items()}, "count": count},
    )
    return count


@transaction.atomic
def do_record_dissent(paragraph: Paragraph, user: Any, reason: str = "", *, actor: Any) -> Dissent:
    """Reservation: a member who took part in the decision dissents from it."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    _open(paragraph.minutes)
    if user.pk not in serving(paragraph.minutes, paragraph.number):
        raise ValidationError("Bara den som deltog i beslutet kan reservera sig.")
    if paragraph.conflicts.filter(user=user).exists():
        raise ValidationError("Den som är jävig deltar inte i beslutet och kan inte reservera sig.")
    dissent = Dissent.objects.create(paragraph=paragraph, user=user, reason=reason.strip())
    record(
        actor=actor,
        action="meetings.record_dissent",
        obj=paragraph,
        label=str(paragraph),
        after={"user": user.pk, "reason": dissent.reason},
    )
    return dissent


def approvers_of(minutes: Minutes) -> set[int]:
    """The chair (ordförande) of the body on the meeting day and the chosen approvers."""
    meeting = minutes.meeting
    chair = meeting.body.members_on(meeting.day).filter(position=ElectedPosition.CHAIR)
    return set(chair.values_list("user_id", flat=True)) | {p.pk for p in minutes.approvers.all()}


@transaction.atomic
def do_approve_minutes(
    minutes: Minutes, *, verified: bool, at: datetime.datetime | None = None, actor: Any
) -> Minutes:
    """Justering by the chair or an approver, after a second-factor check (`verified`:
    the session passed TOTP). After the last approval the minutes are locked, rendered
    as PDF/A and sealed, the notice goes on the board, and each decided § becomes a
    minutes extract registered in its case. `at` (an earlier time, after the meeting)
    is for the demo and imports."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    approvers = _require_approver(minutes, verified, actor)
    if minutes.locked_at is not None:  # read just now under the row lock
        raise ValidationError(LOCKED)
    if minutes.approvals.filter(user=actor).exists():
        raise ValidationError("Du har redan justerat protokollet.")
    if not minutes.paragraphs.exists():
        raise ValidationError("Protokollet har inga paragrafer.")
    if at is not None and at < minutes.meeting.starts_at:
        raise ValidationError("Protokollet kan inte justeras före sammanträdet.")
    now = min(at or timezone.now(), timezone.now())
    Approval.objects.create(minutes=minutes, user=actor, approved_at=now)
    record(actor=actor, action="meetings.approve_minutes", obj=minutes, label=str(minutes))
    if approvers <= set(minutes.approvals.values_list("user_id", flat=True)):
        _lock(minutes, now)
    return minutes


def _require_approver(minutes: Minutes, verified: bool, actor: Any) -> set[int]:
    """Refuse anyone but the chair and the approvers, and them without the second
    factor; returns who they all are."""
    approvers = approvers_of(minutes)
    if actor is None or actor.pk not in approvers:
        raise PermissionDenied("Du är inte ordförande eller justerare för protokollet.")
    if not verified:
        raise PermissionDenied("Justering kräver inloggning med andra faktor (engångskod).")
    return approvers


def _seal(minutes: Minutes, reason: str, name: str) -> tuple[StoredFile, StoredFile | None]:
    """The minutes as PDF/A, sealed with the municipality's certificate and stored: the
    public part, and the non-public part when an item is non-public (else None)."""
    from kansli.meetings.signing import seal_pdf

    body = minutes.meeting.body
    location = minutes.approval_place or body.authority.municipality.name

    def sealed(data: bytes, file_name: str) -> StoredFile:
        return store_bytes(seal_pdf(data, reason=reason, location=location), file_name)

    public = sealed(pdf.minutes_pdf(minutes), name)
    if not minutes.paragraphs.filter(item__secrecy__isnull=False).exists():
        return public, None
    secret_name = name.removesuffix(".pdf") + "-sekretessbilaga.pdf"
    return public, sealed(pdf.minutes_pdf(minutes, secret_part=True), secret_name)


def _lock(minutes: Minutes, now: datetime.datetime) -> None:
    """The last approval (at `now`): lock, seal, post the notice, register the
    extracts."""
    minutes.locked_at = now
    body = minutes.meeting.body
    minutes.sealed, minutes.sealed_secret = _seal(
        minutes, "Justerat protokoll", f"protokoll-{minutes.meeting}.pdf"
    )
    minutes.save(update_fields=["locked_at", "sealed", "sealed_secret"])
    # KL 8 kap. 12 §: posted no later than the second day after approval; here at once.
    # KL 13 kap. 5 §: appeal within three weeks from the day of posting.
    posted = timezone.localdate(now)
    appeal_ends = legal_deadline(posted, weeks=3)
    Notice.objects.create(
        minutes=minutes,
        posted_on=posted,
        appeal_ends=appeal_ends,
        kept_at=f"{body.authority.name}, {body.authority.municipality.name}",
    )
    for paragraph in minutes.paragraphs.select_related("item__case"):
        _register_extract(paragraph, posted)
    record(
        actor=None,
        action="meetings.lock_minutes",
        obj=minutes,
        label=str(minutes),
        after={
            "sealed": minutes.sealed.sha256,
            "posted_on": posted.isoformat(),
            "appeal_ends": appeal_ends.isoformat(),
        },
    )


@transaction.atomic
def do_propose_correction(
    paragraph: Paragraph, decision: str, reason: str, *, actor: Any
) -> Correction:
    """Rättelse: propose a new text for a § of approved minutes, with the reason. It
    takes effect when the chair and the approvers have approved it."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    minutes = Minutes.objects.select_for_update().get(pk=paragraph.minutes_id)
    if minutes.locked_at is None:
        raise ValidationError("Protokollet är inte justerat än: ändra paragrafen direkt.")
    paragraph.refresh_from_db()
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Ange varför protokollet rättas."
    if decision.strip() == paragraph.decision.strip():
        errors["decision"] = "Den nya texten är densamma som den gamla."
    if paragraph.corrections.filter(applied_at=None).exists():
        errors["decision"] = "En rättelse av paragrafen väntar redan på justering."
    if errors:
        raise ValidationError(errors)
    correction = Correction.objects.create(
        paragraph=paragraph,
        before=paragraph.decision,
        after=decision.strip(),
        reason=reason.strip(),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    record(
        actor=actor,
        action="meetings.propose_correction",
        obj=paragraph,
        label=str(paragraph),
        before={"decision": correction.before},
        after={"decision": correction.after, "reason": correction.reason},
    )
    return correction


@transaction.atomic
def do_approve_correction(correction: Correction, *, verified: bool, actor: Any) -> Correction:
    """The chair's or an approver's approval of a correction, with the second factor.
    After the last one the § reads the new text, the minutes are sealed again with the
    correction shown (the first sealed version stays) and a new extract is registered."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    paragraph = correction.paragraph
    minutes = paragraph.minutes
    approvers = _require_approver(minutes, verified, actor)
    if correction.applied_at is not None:
        raise ValidationError("Rättelsen är redan justerad.")
    if correction.approved_by.filter(pk=actor.pk).exists():
        raise ValidationError("Du har redan justerat rättelsen.")
    correction.approved_by.add(actor)
    record(actor=actor, action="meetings.approve_correction", obj=paragraph, label=str(paragraph))
    if approvers <= set(correction.approved_by.values_list("pk", flat=True)):
        paragraph.decision = correction.after
        paragraph.save(update_fields=["decision"])
        correction.applied_at = timezone.now()
        name = f"protokoll-{minutes.meeting}-rattelse-{correction.pk}.pdf"
        correction.sealed, correction.sealed_secret = _seal(
            minutes, "Rättelse av justerat protokoll", name
        )
        correction.save(update_fields=["applied_at", "sealed", "sealed_secret"])
        _register_extract(paragraph, timezone.localdate(), corrected=True)
        record(
            actor=None,
            action="meetings.apply_correction",
            obj=paragraph,
            label=str(paragraph),
            after={"sealed": correction.sealed.sha256},
        )
    return correction


def _register_extract(paragraph: Paragraph, day: datetime.date, *, corrected: bool = False) -> None:
    """Protokollsutdrag: the § as a document drawn up in its case on `day`; a decided
    case is marked decided (beslutat)."""
    case = paragraph.item.case
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
    registry.do_attach_file(
        document, store_bytes(pdf.extract_pdf(paragraph), name), name, actor=None
    )
    paragraph.extract = document
    paragraph.save(update_fields=["extract"])
    if paragraph.outcome == Outcome.DECIDED and CaseStatus.DECIDED in TRANSITIONS[case.status]:
        registry.do_change_case_status(case, CaseStatus.DECIDED, actor=None)


@transaction.atomic
def do_dispatch_decision(
    paragraph: Paragraph,
    recipients: Sequence[tuple[str, str, str]],
    *,
    forwarded: Sequence[Party] = (),
    at: datetime.datetime | None = None,
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
    the system may give an earlier time (the demo, imports)."""
    require_secretary(actor, paragraph.minutes.meeting.body)
    if at is not None and actor is not None:
        raise PermissionDenied("Tiden för expedieringen sätts av systemet.")
    paragraph.refresh_from_db(fields=["extract"])
    locked_at = Minutes.objects.get(pk=paragraph.minutes_id).locked_at
    now = min(at or timezone.now(), timezone.now())
    if locked_at is None or paragraph.extract is None or now < locked_at:
        raise ValidationError("Beslutet kan expedieras först när protokollet är justerat.")
    if not recipients and not forwarded:
        raise ValidationError({"recipients": "Ange minst en mottagare."})
    case = paragraph.item.case
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
        or (method == Expedition.Method.EMAIL and "@" not in address)
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
    emails = [e.pk for e in sent if e.method == Expedition.Method.EMAIL]
    transaction.on_commit(lambda: notify.decision_sent(paragraph.pk, emails))
    return sent


@transaction.atomic
def do_add_delegation_point(
    authority: Authority,
    code: str,
    title: str,
    delegate: str,
    *,
    reported: bool = True,
    actor: Any,
) -> DelegationPoint:
    """A point of the board's delegation order (delegationsordning)."""
    require_sysadmin(actor)
    errors = {
        k: "Fyll i."
        for k, v in [("code", code), ("title", title), ("delegate", delegate)]
        if not v.strip()
    }
    if DelegationPoint.objects.filter(authority=authority, code=code.strip()).exists():
        errors["code"] = f"Punkt {code.strip()} finns redan i {authority.code}s delegationsordning."
    if errors:
        raise ValidationError(errors)
    point = DelegationPoint.objects.create(
        authority=authority,
        code=code.strip(),
        title=title.strip(),
        delegate=delegate.strip(),
        reported=reported,
    )
    record(
        actor=actor,
        action="meetings.add_delegation_point",
        obj=point,
        label=str(point),
        after={"delegate": point.delegate, "reported": reported},
    )
    return point


@transaction.atomic
def do_register_delegated_decision(
    point: DelegationPoint, case: Case, summary: str, *, decided_on: datetime.date, actor: Any
) -> DelegatedDecision:
    """Register a decision taken under a point, as a document drawn up in its case. A
    decision under a point that is not reported goes on the notice board at once."""
    body = Body.objects.filter(authority=point.authority, committee=None).first()
    if body is not None:
        require_preparing(actor, body)
    errors: dict[str, str] = {}
    if case.authority_id != point.authority_id:
        errors["case"] = f"Ärendet hör inte till {point.authority.code}."
    if not summary.strip():
        errors["summary"] = "Skriv kort vad som beslutades."
    if decided_on > timezone.localdate():
        errors["decided_on"] = "Beslutsdagen kan inte ligga i framtiden."
    if errors:
        raise ValidationError(errors)
    document = registry.do_register_document(
        case,
        Direction.DRAWN_UP,
        decided_on,
        f"Delegationsbeslut {point.code}: {summary.strip()}",
        document_type="Delegationsbeslut",
        inherited=case_markings(case),
        actor=actor,
    )
    decision = DelegatedDecision(
        point=point,
        document=document,
        decided_on=decided_on,
        decided_by=actor,
        summary=summary.strip(),
    )
    if not point.reported:  # KL 8 kap. 9–13 §: announced instead of reported
        decision.posted_on = timezone.localdate()
        decision.appeal_ends = legal_deadline(decision.posted_on, weeks=3)  # KL 13 kap. 5 §
    decision.save()
    record(
        actor=actor,
        action="meetings.register_delegated_decision",
        obj=decision,
        label=document.document_number,
        after={"point": point.code, "posted_on": str(decision.posted_on or "")},
    )
    return decision


@transaction.atomic
def do_report_delegated_decisions(
    meeting: Meeting, case: Case, *, at: datetime.datetime | None = None, actor: Any
) -> AgendaItem:
    """Put the decisions not yet reported on the meeting's agenda as one item
    (anmälan av delegationsbeslut, KL 6 kap. 40 §), in the case the board keeps for
    such reports. Only the system may give an earlier time (`at`)."""
    require_secretary(actor, meeting.body)
    waiting = list(
        DelegatedDecision.objects.filter(
            point__authority=meeting.body.authority, point__reported=True, reported_in=None
        ).select_related("point", "document__case__authority")
    )
    if not waiting:
        raise ValidationError("Det finns inga delegationsbeslut att anmäla.")
    # The decision becomes the minutes' text, which is published: a secrecy-marked
    # decision is reported by its document number only (OSL 5 kap. 5 §).
    lines = [
        f"{d.point.code} "
        + (f"{d.document.document_number} (sekretess)" if d.document.secrecy_id else d.summary)
        + f" ({d.decided_on:%Y-%m-%d})"
        for d in waiting
    ]
    item = do_preregister_item(
        meeting,
        case,
        title="Anmälan av delegationsbeslut",
        section=Section.DELEGATION,
        proposal="Nämnden lägger anmälan av delegationsbesluten till handlingarna.\n"
        + "\n".join(lines),
        at=at,
        actor=actor,
    )
    # Exactly those listed: one registered meanwhile waits for the next report.
    count = DelegatedDecision.objects.filter(pk__in=[d.pk for d in waiting]).update(
        reported_in=item
    )
    record(
        actor=actor,
        action="meetings.report_delegated_decisions",
        obj=item,
        label=str(meeting),
        after={"decisions": count},
    )
    return item
