"""Disposal (gallring) under the document management plan, with proof.

Arkivlagen (1990:782) 10 § allows an authority to destroy records only by a decision,
here the plan the board adopted. A run goes: listing (monthly, `kansli retention
list`) → the manager (owner of the process) reviews → the archivist approves → disposal
(`kansli retention dispose`). Each reviewer may exclude items with a reason or send the
list back. Refused, and never disposed of: material under a legal hold, documents of a
case not yet closed, and documents asked for in a request not yet answered (TF 2 kap.
15 §: a request is handled first). What goes: the files (a file shared by content
address only when no remaining record uses it), the text, the search entries, the
personal data in the registration, its corrections and its audit events' details;
what stays: the registration saying that the document existed and was disposed of,
the disposal record (DisposalItem: rule, reviewers, time, checksums) and the disposal
report (gallringsprotokoll) registered as a document."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from kansli.audit.chain import record
from kansli.audit.forget import forget_details
from kansli.audit.models import AuditEvent
from kansli.files import derived
from kansli.files.models import StoredFile
from kansli.org.models import Authority, Role
from kansli.registry.models import Document, DocumentCorrection, DocumentFile, InboxItem
from kansli.registry.models.cases import CaseStatus
from kansli.registry.permissions import has_role
from kansli.retention.holds import Holds
from kansli.retention.models import (
    DisposalItem,
    DisposalRun,
    Outcome,
    PlanRule,
    RunState,
    due_date,
    effective_rules,
    rule_for,
    transfer_due,
)
from kansli.search import index as search_index
from kansli.search import text as search_text

DISPOSED = "Gallrad handling"
TRANSFERRED = "Överlämnad till e-arkivet"

# Who knows which cases the e-archive has received (kansli.archive, a floor above,
# LAYERS.md): each hook gives the ids of an authority's documents the e-archive holds.
# Registered at start.
transferred_hooks: list[Callable[[Authority], set[int]]] = []
# Who else holds on to a document's files (kansli.public: a file published in the
# e-diary): each hook is given the ids of the files a disposal is about to remove.
files_going_hooks: list[Callable[[list[int]], None]] = []


def transferred_documents(authority: Authority) -> set[int]:
    found: set[int] = set()
    for hook in transferred_hooks:
        found |= hook(authority)
    return found


OPEN_CASE = "Ärendet är inte avslutat."
REQUESTED = "Handlingen är begärd ut i en begäran som inte är besvarad."
BATCH = 200  # documents per transaction while disposing


def _require(actor: Any, authority: Authority, role: Role, what: str) -> None:
    if actor is not None and not has_role(actor, authority, [role]):
        raise PermissionDenied(f"Bara {Role(role).label} får {what}.")


def requested_documents(authority: Authority) -> set[int]:
    """Documents asked for in a request for public documents not yet answered. The
    requests app is a floor above (LAYERS.md): its model is looked up by name."""
    items = apps.get_model("requests", "RequestedItem").objects
    pending = items.filter(request__answered_at__isnull=True, document__case__authority=authority)
    return set(pending.values_list("document_id", flat=True))


def due_documents(
    authority: Authority, on: datetime.date
) -> Iterable[tuple[Document, PlanRule, datetime.date, str]]:
    """Every document of the authority that the plan in force on the day lets go by
    then: (document, rule, due day, why it is refused or "")."""
    rules = effective_rules(authority, on)
    disposable = [r for r in rules if r.outcome == Outcome.DISPOSE]
    # Kept types with a delivery period leave the active system once transferred.
    delivered = [r for r in rules if r.outcome == Outcome.KEEP and r.transfer_years is not None]
    if not disposable and not delivered:
        return
    transferred = transferred_documents(authority) if delivered else set()
    holds, requested = Holds(authority), requested_documents(authority)
    documents = (
        Document.objects.filter(case__authority=authority, disposed_at__isnull=True)
        .select_related("case__classification")
        .prefetch_related("case__parties")
        .order_by("pk")
    )
    for document in documents.iterator(chunk_size=1000):
        case = document.case
        code = case.classification.code if case.classification else ""
        rule = rule_for(disposable, code, document.document_type)
        if rule is not None:
            due = due_date(
                rule,
                case_closed=case.closed_at,
                document_date=document.document_date,
                registered=document.registered_at,
            )
        elif document.pk in transferred:
            rule = rule_for(delivered, code, document.document_type)
            due = transfer_due(rule, case.closed_at) if rule is not None else None
        if rule is None:
            continue
        if due is None or due > on:
            continue
        refused = holds.reason(case, document)
        if not refused and case.status not in (CaseStatus.CLOSED, CaseStatus.VOIDED):
            refused = OPEN_CASE
        if not refused and document.pk in requested:
            refused = REQUESTED
        yield document, rule, due, refused


@transaction.atomic
def do_list_disposal(
    authority: Authority, *, on: datetime.date | None = None, actor: Any
) -> DisposalRun:
    """Make the disposal list due on the day and send it to the manager's review.
    The archivist, or the system in the monthly run."""
    _require(actor, authority, Role.ARCHIVIST, "göra gallringslistor")
    on = on or timezone.localdate()
    if DisposalRun.objects.filter(
        authority=authority, state__in=[RunState.MANAGER, RunState.ARCHIVIST, RunState.APPROVED]
    ).exists():
        raise ValidationError("Myndigheten har redan en gallringslista som inte är klar.")
    run = DisposalRun.objects.create(
        authority=authority, due_on=on, state=RunState.MANAGER, created_at=timezone.now(),
        created_by=actor,
    )  # fmt: skip
    items = [
        DisposalItem(
            run=run,
            document=document,
            document_number=document.document_number,
            rule=rule,
            due=due,
            refused=refused,
        )
        for document, rule, due, refused in due_documents(authority, on)
    ]
    DisposalItem.objects.bulk_create(items, batch_size=1000)
    going = sum(1 for item in items if item.goes)
    record(
        actor=actor,
        action="retention.list_disposal",
        obj=run,
        after={"due_on": on.isoformat(), "items": going, "refused": len(items) - going},
    )
    _notify(run, Role.MANAGER)
    return run


def _exclude(run: DisposalRun, excluded: dict[int, str], actor: Any) -> int:
    """Exclude items of the run by id, each with a reason; returns how many."""
    for item_id, reason in excluded.items():
        if not reason.strip():
            raise ValidationError({"excluded": "Ange varför handlingen undantas."})
        updated = run.items.filter(pk=item_id, refused="", excluded_reason="").update(
            excluded_reason=reason.strip(), excluded_by=actor
        )
        if not updated:
            raise ValidationError({"excluded": "Handlingen finns inte på listan."})
    return len(excluded)


def reviewer_role(run: DisposalRun) -> Role | None:
    """Whose turn it is: the manager's, then the archivist's; None when no one's."""
    return {RunState.MANAGER: Role.MANAGER, RunState.ARCHIVIST: Role.ARCHIVIST}.get(
        RunState(run.state)
    )


def may_review(user: Any, run: DisposalRun) -> bool:
    """Whether it is the user's turn to review the list (and exclude from it)."""
    role = reviewer_role(run)
    if role is None or not has_role(user, run.authority, [role]):
        return False
    return role != Role.ARCHIVIST or run.reviewed_by_id != user.pk


@transaction.atomic
def do_exclude_disposal_item(item: DisposalItem, reason: str, *, actor: Any) -> DisposalItem:
    """Exclude one document from the list under review, with a reason, by the reviewer
    whose turn it is."""
    run = DisposalRun.objects.select_for_update().get(pk=item.run_id)
    role = reviewer_role(run)
    if role is None:
        raise ValidationError("Listan granskas inte nu.")
    _require(actor, run.authority, role, "undanta handlingar från gallring")
    _exclude(run, {item.pk: reason}, actor)
    item.refresh_from_db()
    record(
        actor=actor,
        action="retention.exclude_from_disposal",
        obj=run,
        after={"document": item.document_number, "reason": item.excluded_reason},
    )
    return item


@transaction.atomic
def do_review_disposal(run: DisposalRun, *, excluded: dict[int, str], actor: Any) -> DisposalRun:
    """The manager (owner of the process) reviews the list, excluding what must stay."""
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    _require(actor, run.authority, Role.MANAGER, "granska gallringslistor")
    if run.state != RunState.MANAGER:
        raise ValidationError("Listan väntar inte på chefens granskning.")
    count = _exclude(run, excluded, actor)
    run.state, run.reviewed_at, run.reviewed_by = RunState.ARCHIVIST, timezone.now(), actor
    run.save(update_fields=["state", "reviewed_at", "reviewed_by"])
    record(actor=actor, action="retention.review_disposal", obj=run, after={"excluded": count})
    _notify(run, Role.ARCHIVIST)
    return run


@transaction.atomic
def do_approve_disposal(run: DisposalRun, *, excluded: dict[int, str], actor: Any) -> DisposalRun:
    """The archivist approves the reviewed list, excluding more if needed. Not the same
    person who reviewed it: two people stand behind every disposal."""
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    _require(actor, run.authority, Role.ARCHIVIST, "godkänna gallringslistor")
    if run.state != RunState.ARCHIVIST:
        raise ValidationError("Listan väntar inte på arkivariens godkännande.")
    if actor is not None and run.reviewed_by_id == actor.pk:
        raise ValidationError("Den som granskade listan kan inte också godkänna den.")
    count = _exclude(run, excluded, actor)
    run.state, run.approved_at, run.approved_by = RunState.APPROVED, timezone.now(), actor
    run.save(update_fields=["state", "approved_at", "approved_by"])
    record(actor=actor, action="retention.approve_disposal", obj=run, after={"excluded": count})
    return run


@transaction.atomic
def do_return_disposal(run: DisposalRun, reason: str, *, actor: Any) -> DisposalRun:
    """Send the list back (to be listed again): by its manager or its archivist."""
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    role = Role.MANAGER if run.state == RunState.MANAGER else Role.ARCHIVIST
    _require(actor, run.authority, role, "skicka tillbaka gallringslistan")
    if run.state not in (RunState.MANAGER, RunState.ARCHIVIST):
        raise ValidationError("Listan kan inte skickas tillbaka nu.")
    if not reason.strip():
        raise ValidationError({"reason": "Ange varför listan skickas tillbaka."})
    run.state, run.returned_reason = RunState.RETURNED, reason.strip()
    run.save(update_fields=["state", "returned_reason"])
    record(actor=actor, action="retention.return_disposal", obj=run, after={"reason": reason})
    return run


def do_dispose(
    run: DisposalRun, *, actor: Any, progress: Callable[[int, int], None] | None = None
) -> DisposalRun:
    """Dispose of the approved list, BATCH documents per transaction: after a crash, run
    it again and it goes on from the first document not yet disposed of. Each is checked
    again first (a hold put or a request made since the review refuses it). Then the
    disposal report is registered and the stores are scrubbed (scrub.py)."""
    from kansli.retention import report, scrub

    run = DisposalRun.objects.get(pk=run.pk)
    _require(actor, run.authority, Role.ARCHIVIST, "gallra")
    if run.state != RunState.APPROVED:
        raise ValidationError("Bara en godkänd gallringslista kan gallras.")
    resumed = run.items.filter(disposed_at__isnull=False).exists()
    DisposalRun.objects.filter(pk=run.pk, started_at__isnull=True).update(started_at=timezone.now())
    pending = run.items.filter(refused="", excluded_reason="", disposed_at__isnull=True)
    total, done = pending.count(), 0
    holds, requested = Holds(run.authority), requested_documents(run.authority)
    terms: set[str] = set()
    while batch := list(pending.select_related("rule").order_by("pk")[:BATCH]):
        terms |= _dispose_batch(run, batch, holds, requested, actor)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    run.refresh_from_db()
    pdf, listing = report.report_files(run) if run.report_id is None else (b"", b"")
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run.pk)
        if run.state == RunState.DONE:  # another run (a task run twice) finished it
            return run
        if run.report_id is None:
            run.report = report.register_report(run, pdf, listing)
        run.state, run.finished_at = RunState.DONE, timezone.now()
        run.save(update_fields=["report", "state", "finished_at"])
        disposed = run.items.filter(disposed_at__isnull=False)
        record(
            actor=actor,
            action="retention.dispose",
            obj=run,
            after={
                "disposed": disposed.count(),
                "report": run.report.document_number if run.report else "",
            },
        )
    # After a crash the words of the documents disposed of before it are not known
    # any more: then every word of the term list is checked.
    scrub.scrub(None if resumed else terms)
    return run


@transaction.atomic
def _dispose_batch(
    run: DisposalRun, batch: list[DisposalItem], holds: Holds, requested: set[int], actor: Any
) -> set[str]:
    """Dispose of a batch of documents (or refuse those held or asked for since the
    review); returns the words their search entries had."""
    documents = (
        Document.objects.select_for_update()
        .filter(pk__in=[item.document_id for item in batch])
        .select_related("case")
        .prefetch_related("case__parties")
        .in_bulk()
    )
    # Under the documents' locks: what another run of the same list (a task run twice)
    # disposed of meanwhile is not done again.
    still = set(
        DisposalItem.objects.filter(
            pk__in=[item.pk for item in batch], refused="", disposed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    going: list[tuple[DisposalItem, Document]] = []
    for item in (item for item in batch if item.pk in still):
        document = documents[item.document_id]
        refused = holds.reason(document.case, document)
        if not refused and document.pk in requested:
            refused = REQUESTED
        if refused:
            DisposalItem.objects.filter(pk=item.pk).update(refused=refused)
        else:
            going.append((item, document))
    if not going:
        return set()
    ids = [document.pk for _item, document in going]
    terms: set[str] = set()
    more = search_index.more_text([document for _item, document in going])
    for _item, document in going:
        names = [party.name for party in document.case.parties.all()]
        terms |= set(search_index.document_text(document, names, more[document.pk]).split())
    files = list(DocumentFile.objects.filter(document_id__in=ids).select_related("stored"))
    inbox = list(InboxItem.objects.filter(document_id__in=ids).select_related("stored"))
    _forget_events(run, ids, files, inbox, actor)
    for hook in files_going_hooks:
        hook([f.pk for f in files])
    DocumentFile.objects.filter(document_id__in=ids).update(replaces=None)
    DocumentFile.objects.filter(document_id__in=ids).delete()
    InboxItem.objects.filter(document_id__in=ids).delete()
    DocumentCorrection.objects.filter(document_id__in=ids).delete()
    for stored in {f.stored for f in files} | {i.stored for i in inbox}:
        terms |= set(search_text.normalise([stored.text]).split())
        _delete_if_unused(stored)
    now = timezone.now()
    Document.objects.filter(pk__in=ids).update(
        counterpart="", counterpart_address="", description=DISPOSED, disposed_at=now
    )
    # A kept document that leaves after transfer is in the e-archive, not disposed of.
    kept = [document.pk for item, document in going if item.rule.outcome == Outcome.KEEP]
    Document.objects.filter(pk__in=kept).update(description=TRANSFERRED)
    checksums: dict[int, list[str]] = {}
    for found in files:
        checksums.setdefault(found.document_id, []).append(found.stored.sha256)
    for item, document in going:
        search_index.index_document(document)
        item.disposed_at = now
        item.checksums = sorted(set(checksums.get(document.pk, [])))
        item.files = len(checksums.get(document.pk, []))
        record(
            actor=actor,
            action="retention.dispose_document",
            obj=document,
            label=item.document_number,
            after={"rule": str(item.rule), "run": run.pk, "checksums": item.checksums},
        )
    DisposalItem.objects.bulk_update([i for i, _d in going], ["disposed_at", "checksums", "files"])
    return terms


def _forget_events(
    run: DisposalRun, ids: list[int], files: list[Any], inbox: list[Any], actor: Any
) -> None:
    """Forget the details of the audit events about the documents, their files and the
    inbox items they were registered from (the chain keeps their digests)."""
    events = AuditEvent.objects.filter(
        Q(object_type="registry.document", object_id__in=[str(pk) for pk in ids])
        | Q(object_type="registry.documentfile", object_id__in=[str(f.pk) for f in files])
        | Q(object_type="registry.inboxitem", object_id__in=[str(i.pk) for i in inbox])
    )
    forget_details(events, reason=f"Gallring enligt gallringslista {run.pk}", actor=actor)


def _delete_if_unused(stored: Any) -> None:
    """Remove a stored file and its bytes unless another record still uses it (every
    reference to a stored file is PROTECT, so the database says whether one does)."""
    name, sha256 = stored.storage_name, stored.sha256
    try:
        with transaction.atomic():
            stored.delete()
    except ProtectedError:
        return

    def delete_bytes() -> None:
        # The same content uploaded again meanwhile (a new row of this hash, which found
        # the bytes there and kept them) keeps them.
        if not StoredFile.objects.filter(sha256=sha256).exists():
            default_storage.delete(name)
            derived.forget(sha256)  # a conversion made for redaction goes with them

    transaction.on_commit(delete_bytes)


def _notify(run: DisposalRun, role: Role) -> None:
    """E-mail those with the role at the authority that a list waits for them."""
    from kansli.retention import report

    transaction.on_commit(lambda: report.notify(run.pk, role))
