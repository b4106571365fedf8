"""Cases and documents from an earlier registry system: `kansli import registry FILE.csv`.

The file is the earlier system's export as CSV: one row per document, the case's columns
repeated on each of its rows (a row with no document columns brings in the case alone).
Separated by semicolons or commas (told from the header row), in UTF-8 with or without
BOM, UTF-16 with or without BOM, Windows-1252 or ISO-8859-1 (told from the bytes). A row whose text
is UTF-8 read in the wrong encoding ("Ã¥" for "å", "â€“" for "–") or holds a replacement
character, NUL, a date outside 1900-2200 or a value too long is refused with the reason.
Column names are case-insensitive; their order does not matter.

    column           required        what it holds
    case_id          yes             the case's id in the earlier system
    case_number      yes             the case number there, kept: KS 2019/12 (or KS-2019-0012)
    authority        yes             the authority's code (the series), e.g. KS
    title            yes             the case title (ärendemening)
    opened           yes             the day the case was opened, ÅÅÅÅ-MM-DD
    status           no              öppnat (default), under handläggning, beslutat,
                                     avslutat or makulerat
    closed           no              the day an avslutat case was closed, ÅÅÅÅ-MM-DD
    document_id      with a document the document's id in the earlier system
    document_number  no              KS 2019/12-3 or 3 (empty: the next in the case)
    direction        with a document inkommen, upprättad, utgående or PM (å or a)
    document_date    with a document the day it came in or was drawn up, ÅÅÅÅ-MM-DD
    description      with a document what it concerns
    counterpart      no              sender or recipient
    document_type    no              e.g. Ansökan, Beslut
    secrecy          no              an OSL provision known to Kansli, e.g. OSL 26 kap. 1 §

Each row is loaded in its own transaction: a row that is refused (for a reason given in
Swedish with its line number) leaves nothing behind and the other rows still load. Cases
and documents are matched on their id in the earlier system (`external_id`), so running
the same file again adds nothing; values of rows already loaded are not changed.
With --bulk the rows load in batches of 5,000 instead (on PostgreSQL by COPY), each in
one transaction (kansli.registry.bulk): a refused row refuses its
whole batch, which leaves nothing behind, and the other batches still load.

Imported cases keep their numbers. The series' counter is raised to at least the highest
imported number of each authority and year, so numbers given later never collide (lower
numbers that the earlier system never gave stay unused)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kansli.audit.chain import record
from kansli.org.changes import snapshot
from kansli.org.models import Authority, Role
from kansli.registry.actions import CASE_FIELDS, DOCUMENT_FIELDS
from kansli.registry.legacy_csv import CaseRow, DocumentRow, Row, RowParser, RowRefused
from kansli.registry.models import Case, CaseCounter, CaseStatus, Document, TimelineEntry
from kansli.registry.permissions import require_role
from kansli.search import index as search_index

VOIDED_BEFORE = "Makulerat i det tidigare systemet."


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def imported_values(
    case: Case, number: int, row: DocumentRow, registered: datetime.datetime
) -> dict[str, Any]:
    """The fields of a row's document by name (kansli.registry.bulk writes them without
    a model instance); `registered` is start_of(row.document_date)."""
    return dict(
        case=case, number=number, direction=row.direction, document_date=row.document_date,
        registered_at=registered, registered_by=None, counterpart=row.counterpart.strip(),
        description=row.description.strip(), document_type=row.document_type.strip(),
        secrecy=row.secrecy, secrecy_marked_at=registered if row.secrecy else None,
        secrecy_marked_by=None, external_id=row.external_id,
    )  # fmt: skip


def imported_document(case: Case, number: int, row: DocumentRow) -> Document:
    """The document of a row, not yet saved; registered by the earlier system on its date."""
    return Document(**imported_values(case, number, row, start_of(row.document_date)))


@transaction.atomic
def do_import_case(row: CaseRow, *, actor: Any) -> Case:
    """Bring in a case with the number the earlier system gave it, and raise the
    series' counter to at least that number."""
    require_role(actor, row.authority, [Role.REGISTRAR], "importera ärenden")
    counter = _locked_counter(row.authority, row.year)
    label = row.authority.municipality.format_case_number(row.authority.code, row.year, row.number)
    in_series = Q(series=row.authority) | Q(series__isnull=True, authority=row.authority)
    if Case.objects.filter(in_series, year=row.year, number=row.number).exists():
        raise ValidationError({"case_number": f"Ärendenummer {label} finns redan."})
    if not row.title.strip():
        raise ValidationError({"title": "Ange en ärendemening."})
    if counter.last_number < row.number:
        counter.last_number = row.number
        counter.save(update_fields=["last_number"])
    case = Case(
        authority=row.authority, year=row.year, number=row.number, title=row.title.strip(),
        status=row.status, opened_at=start_of(row.opened),
        closed_at=start_of(row.closed) if row.closed and row.status == CaseStatus.CLOSED else None,
        void_reason=VOIDED_BEFORE if row.status == CaseStatus.VOIDED else "",
        external_id=row.external_id,
    )  # fmt: skip
    case.save(force_insert=True)
    TimelineEntry.objects.create(
        case=case, at=case.opened_at, actor=actor, kind="imported",
        text=f"Ärendet registrerades i det tidigare systemet (id {row.external_id}).",
    )  # fmt: skip
    after = snapshot(case, [*CASE_FIELDS, "opened_at", "external_id"])
    record(actor=actor, action="registry.import_case", obj=case, after=after)
    search_index.index_case(case)
    return case


def _locked_counter(authority: Authority, year: int) -> CaseCounter:
    """The series' counter row, locked first (as next_case_number does), so an import
    and a registration of the same series queue instead of racing for a number."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(authority=authority, year=year)], ignore_conflicts=True
    )
    return CaseCounter.objects.select_for_update().get(authority=authority, year=year)


@transaction.atomic
def do_import_document(case: Case, row: DocumentRow, *, actor: Any) -> Document:
    """Bring in a registration with its number (or the next in the case). It counts as
    registered, and any secrecy marking as made, on its date by the earlier system (no
    Kansli user: the audit event names who imported it)."""
    require_role(actor, case.authority, [Role.REGISTRAR], "importera handlingar")
    case = (
        Case.objects.select_for_update().select_related("authority__municipality").get(pk=case.pk)
    )
    number = row.number or case.last_document_number + 1
    if case.documents.filter(number=number).exists():
        raise ValidationError({"document_number": f"Handling {case.case_number}-{number} "
                                                  "finns redan."})  # fmt: skip
    if not row.description.strip():
        raise ValidationError({"description": "Beskriv kort vad handlingen gäller."})
    case.last_document_number = max(case.last_document_number, number)
    case.save(update_fields=["last_document_number"])
    document = imported_document(case, number, row)
    document.save(force_insert=True)
    TimelineEntry.objects.create(
        case=case, at=document.registered_at, actor=actor, kind="imported",
        text=f"Handling {number} registrerades i det tidigare systemet (id {row.external_id}).",
    )  # fmt: skip
    after = snapshot(document, [*DOCUMENT_FIELDS, "external_id"])
    record(
        actor=actor,
        action="registry.import_document",
        obj=document,
        label=document.document_number,
        after=after,
    )
    search_index.index_document(document)
    return document


@dataclass
class Tally:
    cases: int = 0
    documents: int = 0
    unchanged: int = 0
    rejected: int = 0

    def summary(self) -> str:
        return (
            f"Import klar: {self.cases} ärenden och {self.documents} handlingar nya, "
            f"{self.unchanged} rader oförändrade, {self.rejected} rader avvisade."
        )


class Importer:
    """Loads rows one by one, each in its own transaction, and counts the outcome."""

    def __init__(self, actor: Any = None) -> None:
        self.actor = actor
        self.tally = Tally()
        self.parser = RowParser()

    def load(self, rows: list[Row]) -> Iterator[tuple[Row, str | None]]:
        """Each row with the reason it was refused, or None when it was loaded."""
        for row in rows:
            yield row, self.load_row(row)

    def load_row(self, row: Row) -> str | None:
        try:
            if row.fault:
                raise RowRefused([row.fault])
            case_row, document_row = self.parser.parse(row.values)
            with transaction.atomic():
                case, new_case = self._case(case_row)
                new_document = document_row is not None and self._document(case, document_row)
        except (RowRefused, PermissionDenied) as exc:
            self.tally.rejected += 1
            return str(exc)
        except ValidationError as exc:
            self.tally.rejected += 1
            return " ".join(exc.messages)
        self.tally.cases += new_case
        self.tally.documents += new_document
        self.tally.unchanged += not (new_case or new_document)
        return None

    def _case(self, row: CaseRow) -> tuple[Case, bool]:
        found = (
            Case.objects.select_related("authority__municipality")
            .filter(external_id=row.external_id, authority__municipality=row.authority.municipality)
            .first()
        )
        if found is None:
            return do_import_case(row, actor=self.actor), True
        same = (found.authority_id, found.year, found.number) == (
            row.authority.pk, row.year, row.number,
        )  # fmt: skip
        if not same:
            raise RowRefused([f"case_id {row.external_id} finns redan som {found.case_number}."])
        return found, False

    def _document(self, case: Case, row: DocumentRow) -> bool:
        found = Document.objects.filter(
            external_id=row.external_id,
            case__authority__municipality_id=case.authority.municipality_id,
        ).first()
        if found is None:
            do_import_document(case, row, actor=self.actor)
            return True
        if found.case_id != case.pk:
            raise RowRefused([f"document_id {row.external_id} finns redan i ett annat ärende."])
        return False
