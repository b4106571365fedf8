"""Every change to the registry: registering cases and documents, marking secrecy,
correcting and voiding, assigning officers and moving a case through its statuses.
Each action checks permission, changes the data, adds to the case's timeline and writes
its audit event in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.access.groups import default_group
from kansli.access.protected import hide_for
from kansli.audit.chain import record
from kansli.files.mail import ParsedMail, parse_mail
from kansli.files.models import StoredFile
from kansli.files.store import store_bytes
from kansli.org.changes import apply_changes, snapshot
from kansli.org.models import Authority, Role, Unit, User
from kansli.org.permissions import require_sysadmin
from kansli.registry import document_types, notify, reminders
from kansli.registry.guards import void_refusal
from kansli.registry.models import (
    Case,
    CaseStatus,
    Classification,
    Direction,
    Document,
    DocumentCorrection,
    DocumentFile,
    InboxItem,
    NamingRule,
    Party,
    SecrecyProvision,
    TimelineEntry,
)
from kansli.registry.models.cases import TRANSITIONS
from kansli.registry.models.types import fold
from kansli.registry.numbering import next_case_number, next_document_number
from kansli.registry.permissions import (
    has_role,
    require_case_handling,
    require_registering,
    require_role,
)
from kansli.registry.scheme import SchemeRow
from kansli.registry.secrecy import Marking, default_marking, strongest
from kansli.rows import insert
from kansli.search import index as search_index
from kansli.workdays.calendar import workdays_between, workdays_late
from kansli.workdays.closed import closed_between, closed_days

CASE_FIELDS = ["authority", "year", "number", "title", "classification", "unit", "status"]
DOCUMENT_FIELDS = [
    "case", "number", "direction", "document_date", "counterpart", "description",
    "document_type", "secrecy", "withhold_counterpart", "withhold_description",
]  # fmt: skip
CORRECTABLE = ["direction", "document_date", "counterpart", "counterpart_address",
               "counterpart_is_private", "description", "document_type"]  # fmt: skip


def add_to_timeline(case: Case, kind: str, text: str, actor: Any) -> None:
    insert(TimelineEntry(case=case, at=timezone.now(), actor=actor, kind=kind, text=text))


@transaction.atomic
def do_register_case(
    authority: Authority,
    title: str,
    *,
    classification: Classification | None = None,
    unit: Unit | None = None,
    parties: Iterable[dict[str, Any]] = (),
    opened_at: datetime.datetime | None = None,
    actor: Any,
) -> Case:
    """Open a case and give it the next case number in the authority's series.

    Everything that only reads comes first; the number is taken as late as the rows
    that carry it allow, and the audit event last: the series' counter row and the
    audit chain head stay locked until the commit, and every registration of the
    series (every audited change, for the head) waits for them."""
    require_registering(actor, authority)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Ange en ärendemening."})
    if classification is not None and classification.authority_id != authority.pk:
        raise ValidationError({"classification": "Klassificeringen hör till en annan myndighet."})
    opened_at = opened_at or timezone.now()
    year = timezone.localtime(opened_at).year
    case = Case(
        authority=authority,
        access_group=default_group(authority, unit),
        year=year,
        title=title,
        classification=classification,
        unit=unit,
        opened_at=opened_at,
    )
    case.authority.municipality  # noqa: B018 (read now: the case number's format)
    case.number = next_case_number(authority, year)
    insert(case)
    added = [insert(Party(case=case, **values)) for values in parties]
    add_to_timeline(case, "registered", "Ärendet registrerades.", actor)
    search_index.index_new_case(
        case, [(party.name, party.identity_number, party.protected_identity) for party in added]
    )
    after = snapshot(case, CASE_FIELDS) | {"parties": [party.name for party in added]}
    record(actor=actor, action="registry.register_case", obj=case, after=after)
    return case


def _registration_lag(
    case: Case, direction: str, document_date: datetime.date, registered: datetime.datetime
) -> int | None:
    """Working days from arrival, or from the day it was drawn up or sent, to
    registration (OSL 5 kap. 1 §: registered as soon as it came in or was drawn up); one
    that came on a day off counts from the next working day (Leksand's measure 1). Not
    for an internal memo, which is registered only if it is kept."""
    if direction == Direction.MEMO:
        return None
    registered_on = timezone.localdate(registered)
    if document_date >= registered_on:
        return 0
    closed = closed_between(case.authority.municipality_id, document_date, registered_on)
    return workdays_late(document_date, registered_on, closed)


@transaction.atomic
def do_register_document(
    case: Case,
    direction: str,
    document_date: datetime.date,
    description: str,
    *,
    counterpart: str = "",
    counterpart_address: str = "",
    counterpart_is_private: bool = False,
    document_type: str = "",
    secrecy: SecrecyProvision | None = None,
    withhold_counterpart: bool = False,
    withhold_description: bool = False,
    registered_at: datetime.datetime | None = None,
    inherited: Iterable[Marking] = (),
    open_reason: str = "",
    personal_numbers_confirmed: bool = False,
    actor: Any,
) -> Document:
    """Register a document in a case with the next document number (KS 2026/142-3).
    Only the system (imports, the demo) may give an earlier registration time.

    Without a provision chosen by hand, the document gets the strongest of its process's
    default marking and the `inherited` markings of what Kansli drew it up from
    (kansli.registry.secrecy); `open_reason` registers it open instead, audited.
    `personal_numbers_confirmed`: the registrar ticked "register without a secrecy
    marking anyway", the box shown with the warning of personal identity numbers (or of
    a file not read through for them); kept in the audit event when the document goes
    unmarked (OSL 21 kap. 7 §). Ticked, the form looks for numbers no more, so it says
    the box was ticked, not that numbers were there."""
    require_registering(actor, case.authority)
    if registered_at is not None and actor is not None:
        raise PermissionDenied("Registreringstiden sätts av systemet.")
    errors: dict[str, str] = {}
    now = registered_at or timezone.now()
    if direction not in Direction.values:
        errors["direction"] = "Välj inkommen, upprättad, utgående eller PM."
    if document_date > timezone.localdate(now):
        errors["document_date"] = "Datumet kan inte ligga i framtiden."
    if not description.strip():
        errors["description"] = "Beskriv kort vad handlingen gäller."
    if direction == Direction.INCOMING and not counterpart.strip():
        errors["counterpart"] = "Ange avsändare för en inkommen handling."
    if (withhold_counterpart or withhold_description) and secrecy is None:
        errors["secrecy"] = "Uppgifter kan bara undantas när handlingen är sekretessmarkerad."
    kind = None
    try:  # with a plan in force, one of its types for the case's process
        document_type, kind = document_types.resolve(case, document_type, system=actor is None)
    except ValidationError as error:
        errors |= {key: value[0] for key, value in error.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    marking = lifted = None
    if secrecy is None:
        found = strongest([default_marking(case, actor), *inherited])
        if open_reason.strip():
            lifted = found
        else:
            marking = found
    # Reads first: the number locks the case row, and the audit event (last) the chain
    # head, until the commit (see do_register_case).
    lag = _registration_lag(case, direction, document_date, now)
    number = next_document_number(case)
    document = Document(
        case=case,
        number=number,
        direction=direction,
        document_date=document_date,
        registered_at=now,
        registered_by=actor,
        counterpart=counterpart.strip(),
        counterpart_address=counterpart_address.strip(),
        counterpart_is_private=counterpart_is_private,
        description=description.strip(),
        document_type=document_type,
        kind=kind,
        registration_lag=lag,
        secrecy=secrecy,
        secrecy_marked_at=now if secrecy else None,
        secrecy_marked_by=actor if secrecy else None,
        withhold_counterpart=withhold_counterpart,
        withhold_description=withhold_description,
    )
    if marking is not None:
        document.secrecy = marking.provision
        document.secrecy_marked_at = now
        document.secrecy_marked_by = marking.marked_by
        document.secrecy_basis = marking.basis
        document.withhold_counterpart = marking.withhold_counterpart
        document.withhold_description = marking.withhold_description
    insert(document)
    text = f"Handling {document.number} registrerades."
    if marking is not None:  # OSL 5 kap. 5 §: the provision and why (the date is the event's)
        text += f" Sekretessmarkerad {marking.provision} ({marking.basis.lower()})."
    add_to_timeline(case, "document", text, actor)
    if counterpart_is_private:  # the case's other entries now hide this name too
        search_index.index_case(case)
    else:
        search_index.index_new_document(document)
    # A private counterpart masks the name in the case's other entries: the public
    # pages' cache tells such a registration by it (kansli.public.changes).
    after = snapshot(document, [*DOCUMENT_FIELDS, "counterpart_is_private"])
    if lifted is not None:
        after["registered_open"] = {"instead_of": str(lifted.provision), "reason": open_reason}
    if personal_numbers_confirmed and document.secrecy_id is None:
        after["personal_numbers_confirmed"] = True
    record(
        actor=actor,
        action="registry.register_document",
        obj=document,
        label=document.document_number,
        after=after,
    )
    return document


@transaction.atomic
def do_register_incoming(
    authority: Authority,
    title: str,
    document_date: datetime.date,
    counterpart: str,
    *,
    description: str = "",
    classification: Classification | None = None,
    unit: Unit | None = None,
    parties: Iterable[dict[str, Any]] = (),
    actor: Any,
    **document: Any,
) -> Document:
    """The registrar's most common step: a letter arrives that starts a new case."""
    case = do_register_case(
        authority,
        title,
        classification=classification,
        unit=unit,
        parties=parties,
        actor=actor,
    )
    return do_register_document(
        case,
        Direction.INCOMING,
        document_date,
        description or title,
        counterpart=counterpart,
        actor=actor,
        **document,
    )


@transaction.atomic
def do_mark_secrecy(
    document: Document,
    provision: SecrecyProvision | None,
    *,
    withhold_counterpart: bool = False,
    withhold_description: bool = False,
    reason: str = "",
    actor: Any,
) -> Document:
    """Set, change or lift a secrecy marking (OSL 5 kap. 5 §: the provision, the date and
    who made it). A marking is a warning for the next secrecy review, not a decision;
    lifting one needs a reason, kept in the audit event (not in the timeline all staff
    read)."""
    require_registering(actor, document.case.authority)
    if provision is None and (withhold_counterpart or withhold_description):
        raise ValidationError("Uppgifter kan bara undantas när handlingen är sekretessmarkerad.")
    if provision is None and document.secrecy_id is not None and not reason.strip():
        raise ValidationError({"reason": "Ange varför sekretessmarkeringen tas bort."})
    before = snapshot(document, ["secrecy", "withhold_counterpart", "withhold_description"])
    document.secrecy = provision
    document.secrecy_marked_at = timezone.now() if provision else None
    document.secrecy_marked_by = actor if provision else None
    document.secrecy_basis = ""
    document.withhold_counterpart = withhold_counterpart
    document.withhold_description = withhold_description
    document.save()
    after = snapshot(document, list(before)) | ({"reason": reason.strip()} if reason else {})
    text = f"Sekretessmarkering {provision}" if provision else "Sekretessmarkeringen togs bort"
    add_to_timeline(document.case, "secrecy", f"{text} för handling {document.number}.", actor)
    record(
        actor=actor,
        action="registry.mark_secrecy",
        obj=document,
        label=document.document_number,
        before=before,
        after=after,
    )
    search_index.index_document(document)
    return document


@transaction.atomic
def do_correct_document(document: Document, reason: str, *, actor: Any, **changes: Any) -> Document:
    """Correct a registration. Every earlier value is kept as a correction row."""
    require_registering(actor, document.case.authority)
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(f"Kan inte rättas här: {', '.join(sorted(unknown))}")
    if document.is_voided:
        raise ValidationError("Handlingen är makulerad.")
    if not reason.strip():
        raise ValidationError({"reason": "Ange varför registreringen rättas."})
    if changes.get("document_date") and changes["document_date"] > timezone.localdate():
        raise ValidationError({"document_date": "Datumet kan inte ligga i framtiden."})
    if "document_type" in changes and fold(changes["document_type"]) != fold(
        document.document_type
    ):  # a new type: with a plan in force, one of its types (the same one may stay)
        changes["document_type"], changes["kind"] = document_types.resolve(
            document.case, changes["document_type"], system=actor is None, required=True
        )
    before, after = apply_changes(document, changes)
    if not after:
        return document
    DocumentCorrection.objects.create(
        document=document,
        at=timezone.now(),
        actor=actor,
        before=before,
        after=after,
        reason=reason.strip(),
    )
    add_to_timeline(document.case, "corrected", f"Handling {document.number} rättades.", actor)
    record(
        actor=actor,
        action="registry.correct_document",
        obj=document,
        label=document.document_number,
        before=before,
        after=after | {"reason": reason},
    )
    if {"counterpart", "counterpart_is_private"} & set(after):  # the case's masks changed
        search_index.index_case(document.case)
    else:
        search_index.index_document(document)
    return document


@transaction.atomic
def do_void_document(document: Document, reason: str, *, actor: Any) -> Document:
    """Void (makulera) a registration made in error. It stays in the registry, marked."""
    require_role(actor, document.case.authority, [Role.REGISTRAR], "makulera handlingar")
    if document.is_voided:
        raise ValidationError("Handlingen är redan makulerad.")
    if not reason.strip():
        raise ValidationError({"reason": "Ange varför registreringen makuleras."})
    refusal = void_refusal(document.case, document)
    if refusal:
        raise ValidationError(refusal)
    document.voided_at, document.voided_by = timezone.now(), actor
    document.void_reason = reason.strip()
    document.save(update_fields=["voided_at", "voided_by", "void_reason"])
    add_to_timeline(
        document.case, "voided", f"Handling {document.number} makulerades: {reason}", actor
    )
    record(
        actor=actor,
        action="registry.void_document",
        obj=document,
        label=document.document_number,
        after={"void_reason": document.void_reason},
    )
    search_index.index_document(document)
    return document


@transaction.atomic
def do_change_case_status(case: Case, status: str, *, reason: str = "", actor: Any) -> Case:
    """Move a case to another status; only the transitions in TRANSITIONS are allowed.
    Voiding needs a reason and is for registrars."""
    require_case_handling(actor, case)
    if status not in TRANSITIONS[case.status]:
        raise ValidationError(
            f"Ett ärende som är {case.get_status_display()} kan inte bli "
            f"{CaseStatus(status).label}."
        )
    if status == CaseStatus.VOIDED:
        require_role(actor, case.authority, [Role.REGISTRAR], "makulera ärenden")
        if not reason.strip():
            raise ValidationError({"reason": "Ange varför ärendet makuleras."})
        refusal = void_refusal(case)
        if refusal:
            raise ValidationError(refusal)
        case.void_reason = reason.strip()
    before = {"status": case.status}
    case.status = status
    case.closed_at = timezone.now() if status == CaseStatus.CLOSED else None
    case.save(update_fields=["status", "closed_at", "void_reason"])
    add_to_timeline(case, status, f"Ärendet fick status {case.get_status_display()}.", actor)
    record(
        actor=actor,
        action="registry.change_case_status",
        obj=case,
        before=before,
        after={"status": status, "reason": reason},
    )
    return case


@transaction.atomic
def do_assign_officer(
    case: Case, officer: Any, *, assigned_at: datetime.datetime | None = None, actor: Any
) -> Case:
    """Utse handläggare: a manager or registrar names the officer. The officer is told by
    e-mail; the working days from opening to assignment are kept (Leksand: within five).
    Only the system (imports, the demo) may give an earlier assignment time."""
    require_role(actor, case.authority, [Role.MANAGER, Role.REGISTRAR], "utse handläggare")
    if assigned_at is not None and actor is not None:
        raise PermissionDenied("Tiden sätts av systemet.")
    if not has_role(officer, case.authority, [Role.OFFICER, Role.MANAGER]):
        raise ValidationError(
            {"officer": f"{officer} är inte handläggare för {case.authority.code}."}
        )
    if case.status in {CaseStatus.VOIDED, CaseStatus.CLOSED}:
        raise PermissionDenied("Ärendet är avslutat eller makulerat.")
    before = {"officer": case.officer_id}
    now = assigned_at or timezone.now()
    case.officer = officer
    if case.assigned_at is None:
        case.assigned_at = now
        case.days_to_assignment = workdays_between(
            timezone.localdate(case.opened_at),
            timezone.localdate(now),
            closed_days(case.authority.municipality),
        )
    if case.status == CaseStatus.OPENED:
        case.status = CaseStatus.IN_PROGRESS
    case.save(update_fields=["officer", "assigned_at", "days_to_assignment", "status"])
    add_to_timeline(
        case, "assigned", f"{officer.get_full_name() or officer} utsågs till handläggare.", actor
    )
    record(
        actor=actor,
        action="registry.assign_officer",
        obj=case,
        before=before,
        after={"officer": officer.pk},
    )
    transaction.on_commit(lambda: notify.officer_assigned(case.pk))
    return case


@transaction.atomic
def do_set_due_date(case: Case, due_date: datetime.date | None, *, actor: Any) -> Case:
    """Set or clear the day the case should be decided by (FL 9 §; a legal time limit
    such as PBL 9 kap. 27 § is the officer's to enter). The case's officer, or a
    registrar or manager of its authority, may set it."""
    require_case_handling(actor, case)
    if case.status in {CaseStatus.VOIDED, CaseStatus.CLOSED}:
        raise PermissionDenied("Ärendet är avslutat eller makulerat.")
    if due_date is not None and due_date < timezone.localdate(case.opened_at):
        raise ValidationError({"due_date": "Dagen kan inte ligga före ärendets öppnande."})
    if due_date == case.due_date:
        return case
    before = {"due_date": case.due_date}
    case.due_date = due_date
    case.save(update_fields=["due_date"])
    text = f"Besluta senast {due_date.isoformat()}." if due_date else "Sista dag togs bort."
    add_to_timeline(case, "due_date", text, actor)
    record(actor=actor, action="registry.set_due_date", obj=case, before=before,
           after={"due_date": due_date})  # fmt: skip
    return case


def may_change_title(actor: Any, case: Case) -> bool:
    """Changing a title that names a protected person is for those who see the name:
    anyone else would be shown, and could save, "Skyddad identitet" in its place."""
    return actor is None or hide_for(actor, case)(case.title) == case.title


@transaction.atomic
def do_change_case(case: Case, *, actor: Any, **changes: Any) -> Case:
    """Change the case title, classification or responsible unit. The classification is
    one of the case's authority's scheme, the unit one of its municipality's. Not of a
    closed or voided case (its classification decides how long it is kept). A title
    that names a party with protected identity is changed only by those who see the
    name (OSL 21 kap. 3 §): anyone else reads "Skyddad identitet" in its place and would
    save that over the name."""
    require_case_handling(actor, case)
    if case.status in {CaseStatus.VOIDED, CaseStatus.CLOSED}:
        raise PermissionDenied("Ärendet är avslutat eller makulerat.")
    if "title" in changes and not may_change_title(actor, case):
        raise PermissionDenied("Ärendemeningen namnger en person med skyddad identitet.")
    unknown = set(changes) - {"title", "classification", "unit"}
    if unknown:
        raise ValidationError(f"Kan inte ändras här: {', '.join(sorted(unknown))}")
    errors = {}
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            errors["title"] = "Ange en ärendemening."
    classification = changes.get("classification")
    if classification is not None and classification.authority_id != case.authority_id:
        errors["classification"] = "Klassificeringen hör till en annan myndighet."
    unit = changes.get("unit")
    if unit is not None and unit.municipality_id != case.authority.municipality_id:
        errors["unit"] = "Enheten hör till en annan kommun."
    if errors:
        raise ValidationError(errors)
    before, after = apply_changes(case, changes)
    if after:
        add_to_timeline(case, "changed", "Ärendets uppgifter ändrades.", actor)
        record(actor=actor, action="registry.change_case", obj=case, before=before, after=after)
        search_index.index_case(case)
    return case


@transaction.atomic
def do_add_party(case: Case, name: str, *, actor: Any, **values: Any) -> Party:
    if actor is None or case.officer_id != actor.pk:
        require_registering(actor, case.authority)
    party = Party(case=case, name=name.strip(), **values)
    party.full_clean()
    party.save()
    add_to_timeline(case, "party", "En part lades till.", actor)
    record(
        actor=actor,
        action="registry.add_party",
        obj=party,
        label=case.case_number,
        after={"name": party.name, "protected_identity": party.protected_identity},
    )
    search_index.index_case(case)
    return party


@transaction.atomic
def do_relate_cases(case: Case, other: Case, *, actor: Any) -> None:
    """Note that two cases concern the same matter (both ways). Only cases of the same
    municipality: another municipality's authority is another authority, whose case
    numbers and titles its own staff read (OSL 8 kap. 1 §), not ours."""
    require_registering(actor, case.authority)
    if case.pk == other.pk:
        raise ValidationError("Ett ärende kan inte relateras till sig självt.")
    if other.authority.municipality_id != case.authority.municipality_id:
        raise ValidationError("Ärendet hör till en annan kommun och kan inte relateras.")
    if case.related.filter(pk=other.pk).exists():
        raise ValidationError("Ärendena är redan relaterade.")
    case.related.add(other)
    add_to_timeline(case, "related", f"Relaterat till {other.case_number}.", actor)
    add_to_timeline(other, "related", f"Relaterat till {case.case_number}.", actor)
    record(actor=actor, action="registry.relate_cases", obj=case, after={"related": other.pk})


@transaction.atomic
def do_load_classification_scheme(
    authority: Authority, rows: Iterable[SchemeRow], *, actor: Any
) -> int:
    """Load or update an authority's classification scheme. Codes already there get the
    new title; codes missing from the file stay (cases are filed under them) but are
    marked not in use. Returns how many codes were added."""
    require_role(actor, authority, [Role.REGISTRAR, Role.ARCHIVIST], "ändra klassificeringen")
    existing = {c.code: c for c in authority.classifications.all()}
    added, codes = 0, set()
    for row in rows:
        codes.add(row.code)
        parent = existing.get(row.parent_code) if row.parent_code else None
        found = existing.get(row.code)
        if found is None:
            found = Classification.objects.create(
                authority=authority, code=row.code, title=row.title, parent=parent
            )
            existing[row.code], added = found, added + 1
        elif (found.title, found.active) != (row.title, True):
            found.title, found.active = row.title, True
            found.save(update_fields=["title", "active"])
    retired = [c.pk for code, c in existing.items() if code not in codes and c.active]
    Classification.objects.filter(pk__in=retired).update(active=False)
    record(
        actor=actor,
        action="registry.load_classification_scheme",
        obj=authority,
        after={"codes": len(codes), "added": added, "retired": len(retired)},
    )
    return added


@transaction.atomic
def do_add_secrecy_provision(reference: str, title: str, *, actor: Any) -> SecrecyProvision:
    """Add an OSL provision to the list a secrecy marking may cite."""
    require_sysadmin(actor)
    provision = SecrecyProvision(reference=reference.strip(), title=title.strip())
    provision.full_clean()
    provision.save()
    record(actor=actor, action="registry.add_secrecy_provision", obj=provision,
           after={"reference": provision.reference, "title": provision.title})  # fmt: skip
    return provision


@transaction.atomic
def do_change_secrecy_provision(
    provision: SecrecyProvision, *, actor: Any, **changes: Any
) -> SecrecyProvision:
    """Change a provision's title, or take it out of use (never delete: old markings
    cite it)."""
    require_sysadmin(actor)
    if set(changes) - {"title", "active"}:
        raise ValidationError("Bara rubrik och om bestämmelsen används kan ändras.")
    before, after = apply_changes(provision, changes)
    if after:
        record(actor=actor, action="registry.change_secrecy_provision", obj=provision,
               before=before, after=after)  # fmt: skip
    return provision


@transaction.atomic
def do_set_default_secrecy(
    process: Classification,
    provision: SecrecyProvision | None,
    *,
    withhold_counterpart: bool = False,
    withhold_description: bool = False,
    actor: Any,
) -> Classification:
    """The authority's default secrecy marking for the documents of a process in its
    classification scheme (e.g. individual social-services cases: OSL 26 kap. 1 §, with
    the sender and the description left out of the public record), applied when a
    document is registered in a case filed there (kansli.registry.secrecy). Set by a
    system administrator."""
    require_sysadmin(actor)
    if provision is None and (withhold_counterpart or withhold_description):
        raise ValidationError(
            "Uppgifter kan bara undantas när processen har en sekretessmarkering."
        )
    changes = {
        "default_secrecy": provision,
        "default_withhold_counterpart": withhold_counterpart,
        "default_withhold_description": withhold_description,
    }
    before, after = apply_changes(process, changes)
    if after:
        label = f"{process.authority.code} {process.code}"
        record(actor=actor, action="registry.set_default_secrecy", obj=process, label=label,
               before=before, after=after)  # fmt: skip
    return process


@transaction.atomic
def do_attach_file(
    document: Document,
    stored: StoredFile,
    name: str,
    *,
    replaces: DocumentFile | None = None,
    actor: Any,
) -> DocumentFile:
    """Attach a stored file to a document, or a new version of one of its files. The
    earlier version stays; only the newest is the document's current file."""
    if actor is None or document.registered_by_id != actor.pk:
        require_registering(actor, document.case.authority)
    if document.is_voided:
        raise ValidationError("Handlingen är makulerad.")
    version = 1
    if replaces is not None:
        if replaces.document_id != document.pk or not replaces.is_current:
            raise ValidationError("Bara den senaste versionen av en fil i handlingen kan ersättas.")
        version = replaces.version + 1
    attached = DocumentFile.objects.create(
        document=document, stored=stored, name=name.strip() or "fil", version=version,
        replaces=replaces, added_at=timezone.now(), added_by=actor,
    )  # fmt: skip
    # The timeline is read by all staff who see the case: a file's name can tell what a
    # secrecy-marked document is about, so it is only in the document's (gated) file list.
    text = f"En fil lades till handling {document.number} (version {version})."
    add_to_timeline(document.case, "file", text, actor)
    record(actor=actor, action="registry.attach_file", obj=attached,
           label=document.document_number,
           after={"name": attached.name, "version": version, "sha256": stored.sha256})  # fmt: skip
    search_index.index_document(document)
    return attached


@transaction.atomic
def do_receive_in_inbox(
    authority: Authority, stored: StoredFile, name: str, *, actor: Any,
    mail: ParsedMail | None = None,
) -> InboxItem:  # fmt: skip
    """Put an uploaded file or e-mail in the registrar's inbox, to be registered. An
    e-mail's sender, date and subject are read now, to pre-fill the registration (from
    `mail` when the caller has read the same file already)."""
    require_registering(actor, authority)
    item = InboxItem(authority=authority, stored=stored, name=name, received_at=timezone.now(),
                     received_by=actor)  # fmt: skip
    if item.is_mail:
        if mail is None:
            with stored.open() as handle:
                mail = parse_mail(handle.read())
        item.sender, item.subject, item.sent_at = mail.sender[:300], mail.subject[:500], mail.date
    item.save()
    record(actor=actor, action="registry.receive_in_inbox", obj=item,
           after={"name": name, "sha256": stored.sha256, "sender": item.sender})  # fmt: skip
    return item


@transaction.atomic
def do_register_from_inbox(item: InboxItem, case: Case | None, *, actor: Any,
                           **registration: Any) -> Document:  # fmt: skip
    """Register an inbox item as an incoming document, in a new case (case None: the
    registration gives its title) or an existing one. The file (and for an e-mail,
    its attachments) become the document's files. Only the registrars of the authority
    the item came to may read and register it, and only in that authority's registry."""
    require_registering(actor, item.authority)
    item = InboxItem.objects.select_for_update().get(pk=item.pk)
    if item.document_id is not None:
        raise ValidationError("Posten är redan registrerad.")
    if case is not None and case.authority_id != item.authority_id:
        raise ValidationError(
            {"case": f"Posten kom till {item.authority.code} och registreras i dess diarium."}
        )
    if case is None:
        document = do_register_incoming(item.authority, actor=actor, **registration)
    else:
        document = do_register_document(case, Direction.INCOMING, actor=actor, **registration)
    do_attach_file(document, item.stored, item.name, actor=actor)
    if item.is_mail:
        with item.stored.open() as handle:
            attachments = parse_mail(handle.read()).attachments
        for attachment in attachments:
            stored = store_bytes(attachment.data, attachment.filename)
            do_attach_file(document, stored, attachment.filename, actor=actor)
    item.document = document
    item.save(update_fields=["document"])
    record(actor=actor, action="registry.register_from_inbox", obj=item,
           label=document.document_number, after={"document": document.pk})  # fmt: skip
    return document


@transaction.atomic
def do_add_naming_rule(
    document_type: str, pattern: str, *, active: bool = True, actor: Any
) -> NamingRule:
    """Set how documents of a type are described in the diary (standardised naming)."""
    require_sysadmin(actor)
    rule = NamingRule(document_type=document_type.strip(), pattern=pattern.strip(), active=active)
    _check_pattern(rule)
    rule.full_clean()
    rule.save()
    record(actor=actor, action="registry.add_naming_rule", obj=rule,
           after={"document_type": rule.document_type, "pattern": rule.pattern,
                  "active": rule.active})  # fmt: skip
    return rule


@transaction.atomic
def do_change_naming_rule(rule: NamingRule, *, actor: Any, **changes: Any) -> NamingRule:
    """Change a naming rule's pattern, or take it out of use."""
    require_sysadmin(actor)
    if set(changes) - {"pattern", "active"}:
        raise ValidationError("Bara mönstret och om regeln används kan ändras.")
    before, after = apply_changes(rule, changes)
    _check_pattern(rule)
    if after:
        record(actor=actor, action="registry.change_naming_rule", obj=rule,
               before=before, after=after)  # fmt: skip
    return rule


def _check_pattern(rule: NamingRule) -> None:
    if not rule.fixed_start.strip():
        raise ValidationError(
            {"pattern": "Mönstret ska börja med fasta ord, t.ex. ”Yttrande – {ämne}”."}
        )
    if rule.pattern.count("{") != rule.pattern.count("}"):
        raise ValidationError({"pattern": "Varje { i mönstret ska stängas med }."})


@transaction.atomic
def do_send_case_reminders(
    today: datetime.date | None = None, *, actor: Any
) -> list[reminders.Reminder]:
    """Remind each officer by e-mail of their overdue and soon-due cases, once a day
    (the system: `kansli remind`, run each morning). The e-mails go once the day
    is recorded for each person."""
    require_sysadmin(actor)
    today = today or timezone.localdate()
    due = reminders.reminders_for(today)
    for reminder in due:
        User.objects.filter(pk=reminder.person.pk).update(case_reminded_on=today)
        transaction.on_commit(partial(reminders.send, reminder))
    if due:
        record(actor=actor, action="registry.send_case_reminders", obj=None,
               after={"day": today.isoformat(), "people": len(due),
                      "cases": sum(len(r.overdue) + len(r.due_soon) for r in due),
                      "reports_due": sum(len(r.deadlines) for r in due)})  # fmt: skip
    return due
