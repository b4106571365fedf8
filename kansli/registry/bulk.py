"""Bulk import: `kansli import registry --bulk FILE.csv`. The same rows, numbers,
timeline entries, audit events and search-index rows as
kansli.registry.importer gives one row at a time, written a batch at a time: each batch
in one transaction, its rows with PostgreSQL's COPY (on SQLite with executemany).

- Numbering as in the row-by-row import: the series' counters and the cases that get
  documents are locked first (the locks the import and registration take), the
  documents' numbers are then taken for the whole batch, and each counter is raised
  to the highest imported case number.
- The audit chain as `record` would write it, event by event in the rows' order
  (kansli.audit.chain.append_batch: the head is advanced once per batch).
- A refused row (for the importer's reasons, named in Swedish with the row's line)
  refuses its whole batch: nothing of it is saved, and later batches still load.
- Python is the limit, not the database: documents are planned and written as plain
  values (no model instance each), look-ups send one array instead of a placeholder a
  value, and on PostgreSQL the server turns the index rows into tsvectors while the
  audit events are made (`meanwhile`).
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import JSONField, Model

from kansli.audit.chain import append_batch, new_event
from kansli.audit.models import AuditEvent
from kansli.org.changes import snapshot
from kansli.org.models import Authority, Role
from kansli.public.record import Masks, counterpart, description, masks_for_cases, scrub
from kansli.registry.actions import CASE_FIELDS, DOCUMENT_FIELDS
from kansli.registry.importer import VOIDED_BEFORE, Tally, imported_values, start_of
from kansli.registry.legacy_csv import CaseRow, DocumentRow, Row, RowParser, RowRefused
from kansli.registry.models import (
    Case,
    CaseCounter,
    CaseStatus,
    Document,
    Party,
    TimelineEntry,
)
from kansli.registry.permissions import require_role
from kansli.rows import execute, execute_many
from kansli.search import index as search_index
from kansli.search import text

BATCH = 5000  # rows per transaction
CHUNK = 1000  # rows per look-up statement (SQLite allows 32766 placeholders)

Parsed = tuple[Row, CaseRow, DocumentRow | None]
# A planned document: the attributes a Document would have (by attribute name, with
# `case` and `secrecy` also as objects), without building a model instance: building
# one costs more than writing its row. kansli.public.record reads it as a document.
NewDocument = SimpleNamespace
COLUMNS = [f.attname for f in Document._meta.concrete_fields]
DEFAULTS = {f.attname: f.get_default() for f in Document._meta.concrete_fields}  # constants
RELATED = {f.name: f.attname for f in Document._meta.concrete_fields if f.is_relation}
SNAPSHOT = [*DOCUMENT_FIELDS, "external_id"]  # the fields its event holds
DOCUMENT = Document._meta.label_lower


class BatchRefused(Exception):
    def __init__(self, faults: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(faults)} rader avvisade")
        self.faults = faults


class BulkImporter:
    """Loads rows a batch at a time and counts the outcome (as importer.Importer)."""

    def __init__(self, actor: Any = None, batch: int = BATCH) -> None:
        self.actor, self.batch = actor, batch
        self.tally = Tally()
        self.parser = RowParser()

    def load(self, rows: list[Row]) -> Iterator[tuple[int, list[str]]]:
        """After each batch: how many rows are done, and why the batch was refused
        (one message a refused row, and one for the batch), or nothing."""
        for start in range(0, len(rows), self.batch):
            part = rows[start : start + self.batch]
            yield start + len(part), self.load_batch(part)

    def load_batch(self, rows: list[Row]) -> list[str]:
        parsed, faults = [], []
        for row in rows:
            try:
                if row.fault:
                    raise RowRefused([row.fault])
                parsed.append((row, *self.parser.parse(row.values)))
            except RowRefused as exc:
                faults.append((row.line, str(exc)))
        try:
            if faults:
                raise BatchRefused(faults)
            with transaction.atomic():
                batch = Batch(self.actor)
                batch.plan(parsed)
                batch.write()
        except BatchRefused as exc:
            self.tally.rejected += len(rows)
            return [f"Rad {line} avvisad: {reason}" for line, reason in exc.faults] + [
                f"Rad {rows[0].line}–{rows[-1].line} lästes inte in: satsen har avvisade rader."
            ]
        except DatabaseError as exc:  # a deadlock, a lost connection: the batch rolled back
            self.tally.rejected += len(rows)
            return [
                f"Rad {rows[0].line}–{rows[-1].line} lästes inte in: databasen avvisade "
                f"satsen ({exc}). Kör filen igen: rader som redan finns läses inte in två gånger."
            ]
        self.tally.cases += len(batch.new_cases)
        self.tally.documents += len(batch.documents)
        self.tally.unchanged += batch.unchanged
        return []


@dataclass
class Batch:
    """One batch's cases and documents, planned under the locks and then written."""

    actor: Any
    new_cases: list[Case] = field(default_factory=list)
    documents: list[NewDocument] = field(default_factory=list)
    made: list[Case | NewDocument] = field(default_factory=list)  # in the rows' order
    unchanged: int = 0
    faults: list[tuple[int, str]] = field(default_factory=list)
    last_numbers: dict[int, int] = field(default_factory=dict)  # existing cases' counters
    allowed: dict[tuple[int, str], str] = field(default_factory=dict)
    starts: dict[datetime.date, datetime.datetime] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)  # case numbers by id(case)
    document_event: AuditEvent | None = None

    def plan(self, parsed: list[Parsed]) -> None:
        """Match the rows with what is there, check them and number the documents, as
        the row-by-row import would one after the other; raises BatchRefused with every
        fault found."""
        cases = _cases_by_external_id([case_row for _row, case_row, _doc in parsed])
        self._lock_existing(cases, parsed)
        counters = _locked_counters(parsed, cases)
        # Under the locks: what another import of the same rows (at once) has just
        # added is found, not numbered and stored a second time.
        found_documents = _documents_by_external_id(
            [document_row.external_id for _row, _case, document_row in parsed if document_row]
        )
        new_numbers: dict[tuple[int, int, int], Row] = {}
        in_batch: dict[tuple[int, str], Case] = {}
        taken: dict[int, tuple[Case, dict[int, Row]]] = {}
        for row, case_row, document_row in parsed:
            key = (case_row.authority.municipality_id, case_row.external_id)
            case, new_case = cases.get(key), False
            if case is None:
                if not self._may(row, case_row.authority, "importera ärenden"):
                    continue
                case = cases[key] = self._new_case(case_row)
                series = (case_row.authority.pk, case_row.year, case_row.number)
                if series in new_numbers:
                    self._refuse(row, f"Ärendenummer {case.case_number} finns redan.")
                new_numbers[series], new_case = row, True
                counter = counters[(case_row.authority.pk, case_row.year)]
                counter.last_number = max(counter.last_number, case_row.number)
            elif (case.authority_id, case.year, case.number) != (
                case_row.authority.pk, case_row.year, case_row.number,
            ):  # fmt: skip
                self._refuse(row, f"case_id {key[1]} finns redan som {case.case_number}.")
                continue
            new_document = document_row is not None and self._document(
                row, case, document_row, found_documents, in_batch, taken
            )
            self.unchanged += not (new_case or new_document)
        self._check_numbers(new_numbers, taken)
        if self.faults:
            raise BatchRefused(sorted(self.faults))
        for counter in counters.values():
            counter.save(update_fields=["last_number"])

    def _document(
        self,
        row: Row,
        case: Case,
        document_row: DocumentRow,
        found: dict[tuple[int, str], int],
        in_batch: dict[tuple[int, str], Case],
        taken: dict[int, tuple[Case, dict[int, Row]]],
    ) -> bool:
        """Plan the row's document unless it is there already; whether it is new."""
        key = (case.authority.municipality_id, document_row.external_id)
        if key in found or key in in_batch:
            if found.get(key, -1) != case.pk and in_batch.get(key) is not case:
                self._refuse(row, f"document_id {key[1]} finns redan i ett annat ärende.")
            return False
        if not self._may(row, case.authority, "importera handlingar"):
            return False
        number = document_row.number or case.last_document_number + 1
        numbers = taken.setdefault(id(case), (case, {}))[1]
        if number in numbers:
            self._refuse(row, f"Handling {case.case_number}-{number} finns redan.")
            return False
        numbers[number] = row
        case.last_document_number = max(case.last_document_number, number)
        in_batch[key] = case
        self._new_document(case, number, document_row)
        return True

    def _refuse(self, row: Row, reason: str) -> None:
        self.faults.append((row.line, reason))

    def _may(self, row: Row, authority: Authority, what: str) -> bool:
        """Whether the actor may import into the authority (asked once per batch)."""
        key = (authority.pk, what)
        if key not in self.allowed:
            try:
                require_role(self.actor, authority, [Role.REGISTRAR], what)
                self.allowed[key] = ""
            except PermissionDenied as exc:
                self.allowed[key] = str(exc)
        if self.allowed[key]:
            self.faults.append((row.line, self.allowed[key]))
        return not self.allowed[key]

    def _lock_existing(self, cases: dict[tuple[int, str], Case], parsed: list[Parsed]) -> None:
        """Lock the existing cases that may get documents (the case row, as a registration
        locks it) and read their document counters under the lock."""
        wanted = {
            cases[key].pk
            for _row, case_row, document_row in parsed
            if document_row is not None
            and (key := (case_row.authority.municipality_id, case_row.external_id)) in cases
        }
        locked = dict(
            Case.objects.select_for_update()
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", "last_document_number")
        )
        for case in cases.values():
            if case.pk in locked:
                case.last_document_number = locked[case.pk]
                self.last_numbers[case.pk] = locked[case.pk]

    def _check_numbers(
        self,
        new_numbers: dict[tuple[int, int, int], Row],
        taken: dict[int, tuple[Case, dict[int, Row]]],
    ) -> None:
        """Case numbers already in their series, and document numbers already in their
        existing case (read under the locks)."""
        labels = {(c.authority_id, c.year, c.number): c.case_number for c in self.new_cases}
        for series in _existing_case_numbers(list(new_numbers)):
            self._refuse(new_numbers[series], f"Ärendenummer {labels[series]} finns redan.")
        existing = {case.pk: (case, numbers) for case, numbers in taken.values() if case.pk}
        pairs = [(pk, number) for pk, (_case, numbers) in existing.items() for number in numbers]
        for case_id, number in _existing_document_numbers(pairs):
            case, numbers = existing[case_id]
            self._refuse(numbers[number], f"Handling {case.case_number}-{number} finns redan.")

    def _new_case(self, row: CaseRow) -> Case:
        case = Case(
            authority=row.authority, year=row.year, number=row.number, title=row.title.strip(),
            status=row.status, opened_at=start_of(row.opened),
            closed_at=(start_of(row.closed) if row.closed and row.status == CaseStatus.CLOSED
                       else None),
            void_reason=VOIDED_BEFORE if row.status == CaseStatus.VOIDED else "",
            external_id=row.external_id,
        )  # fmt: skip
        self.new_cases.append(case)
        self.made.append(case)
        return case

    def _new_document(self, case: Case, number: int, row: DocumentRow) -> None:
        day = row.document_date
        if day not in self.starts:
            self.starts[day] = start_of(day)
        attributes = dict(DEFAULTS)
        for name, value in imported_values(case, number, row, self.starts[day]).items():
            attributes[name] = value
            if name in RELATED:
                attributes[RELATED[name]] = value.pk if value is not None else None
        document = NewDocument(**attributes)
        self.documents.append(document)
        self.made.append(document)

    def write(self) -> None:
        """Write the planned rows: ids first (the events and index rows name them)."""
        for case, pk in zip(self.new_cases, _ids(Case, len(self.new_cases)), strict=True):
            case.pk = pk
        for document, pk in zip(self.documents, _ids(Document, len(self.documents)), strict=True):
            document.id, document.case_id = pk, document.case.pk  # a new case has one now
        changed = [(case.last_document_number, pk) for pk, case in self._existing().items()
                   if case.last_document_number != self.last_numbers[pk]]  # fmt: skip
        execute_many("UPDATE registry_case SET last_document_number = %s WHERE id = %s", changed)
        copy_rows(Case, self.new_cases, with_pk=True)
        copy_values(Document, COLUMNS, [[vars(d)[a] for a in COLUMNS] for d in self.documents])
        copy_values(TimelineEntry, ["case_id", "at", "actor_id", "kind", "text"],
                    [self._timeline_entry(made) for made in self.made])  # fmt: skip
        # The server turns the index rows into tsvectors while the events are made.
        with meanwhile(self._index()):
            events = [self._event(made) for made in self.made]
        # Last: the chain's head stays locked from here to the commit, and every action
        # of the installation that writes an event waits for it meanwhile.
        append_batch(events)
        copy_rows(AuditEvent, events)

    def _existing(self) -> dict[int, Case]:
        """The cases that were there before the batch and get documents in it."""
        return {d.case.pk: d.case for d in self.documents if d.case.pk in self.last_numbers}

    def _timeline_entry(self, made: Case | NewDocument) -> list[Any]:
        """The TimelineEntry's case_id, at, actor_id, kind and text."""
        actor, external_id = getattr(self.actor, "pk", None), made.external_id
        if isinstance(made, Case):
            said = f"Ärendet registrerades i det tidigare systemet (id {external_id})."
            return [made.pk, made.opened_at, actor, "imported", said]
        return [made.case_id, made.registered_at, actor, "imported",
                f"Handling {made.number} registrerades i det tidigare systemet "
                f"(id {external_id})."]  # fmt: skip

    def _event(self, made: Case | NewDocument) -> AuditEvent:
        """The audit event `record` would write for the row (append_batch seals it)."""
        if isinstance(made, Case):
            after = snapshot(made, [*CASE_FIELDS, "opened_at", "external_id"])
            return new_event(actor=self.actor, action="registry.import_case", obj=made,
                             after=after)  # fmt: skip
        case = made.case
        if id(case) not in self.numbers:
            self.numbers[id(case)] = case.case_number
        if self.document_event is None:
            # What new_event gives every document's event alike (the actor, the request,
            # the address: kept as for any object but a user, by who the actor is).
            self.document_event = new_event(actor=self.actor, action="registry.import_document")
            self.document_event.object_type = DOCUMENT
        event = copy.copy(self.document_event)
        event.object_id = str(made.id)
        event.object_label = f"{self.numbers[id(case)]}-{made.number}"[:500]
        attributes = vars(made)
        event.after = {name: attributes[RELATED.get(name, name)] for name in SNAPSHOT}
        # As JSON gives it back (new_event's _plain): the other values are JSON's own.
        event.after["document_date"] = made.document_date.isoformat()
        return event

    def _index(self) -> list[tuple[str, list[Any]]]:
        """The staff's and the public's index rows, as index_document writes them (a new
        document has no text from any source yet; search_index.public_text's words,
        the case's taken once for all its documents), and the case rows: dropped for a
        case with documents, written for a new case without. On PostgreSQL the rows are
        copied as text into temporary tables, and what is left is returned: statements
        that turn them into tsvectors in the index tables."""
        cases = {case.pk: case for case in [*self.new_cases, *self._existing().values()]}
        names: dict[int, list[str]] = defaultdict(list)
        for case_id, name in (
            Party.objects.filter(case_id__in=list(self._existing()), protected_identity=False)
            .order_by("pk")
            .values_list("case_id", "name")
        ):
            names[case_id].append(name)
        masks = self._masks()
        staff_words = {pk: search_index.case_parts(case, names[pk]) for pk, case in cases.items()}
        public_words = {
            pk: text.case_words(case.case_number, case.series_code, case.year, case.number,
                                scrub(case.title, masks[pk]), [])
            for pk, case in cases.items()
        }  # fmt: skip
        # The case's words split once for all its documents (text.normalise's pieces).
        staff_pieces = {pk: _pieces(parts) for pk, parts in staff_words.items()}
        public_pieces = {pk: _pieces(parts) for pk, parts in public_words.items()}
        facets_of = {pk: _case_facets(case) for pk, case in cases.items()}
        staff, public = [], []
        for document in self.documents:
            pk, mask = document.case_id, masks[document.case_id]
            own = text.document_words(document.description, document.counterpart,
                                      document.document_type)  # fmt: skip
            body = _normalised(staff_pieces[pk], staff_words[pk], own)
            day, kind = document.document_date, document.document_type
            facets = " ".join(text.document_facets(facets_of[pk], document.direction, day, kind))
            shown_type = scrub(document.document_type, mask)
            shown = [counterpart(document, mask), description(document, mask), shown_type]
            staff.append((document.id, search_index.without_protected(body, mask), facets))
            public.append((document.id, _normalised(public_pieces[pk], public_words[pk], shown),
                           search_index.public_facets(facets, kind, shown_type)))  # fmt: skip
        with_documents = {document.case.pk for document in self.documents}
        hidden = search_index.without_protected
        alone = [
            (case.pk, hidden(text.normalise(staff_words[case.pk]), masks[case.pk]),
             " ".join(facets_of[case.pk]))
            for case in self.new_cases
            if case.pk not in with_documents
        ]  # fmt: skip
        dropped = sorted(with_documents)
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            write_index("search_document", staff)
            write_index("search_public", public, remember=False)
            write_index("search_case", alone)
            execute_many("DELETE FROM search_case WHERE rowid = %s", [(pk,) for pk in dropped])
            return []
        # Staged together where the public row's facets are the staff row's (nearly all),
        # apart where the public one leaves out a masked document type (public_facets).
        same = [n for n, row in enumerate(staff) if public[n][2] == row[2]]
        apart = [n for n, row in enumerate(staff) if public[n][2] != row[2]]
        both = [(staff[n][0], staff[n][2], staff[n][1], public[n][1]) for n in same]
        return [
            *stage_index(["search_document", "search_public"], both),
            *stage_index(
                ["search_document"], [(staff[n][0], staff[n][2], staff[n][1]) for n in apart]
            ),
            *stage_index(
                ["search_public"], [(public[n][0], public[n][2], public[n][1]) for n in apart]
            ),
            *stage_index(["search_case"], [(pk, facets, body) for pk, body, facets in alone]),
            ("DELETE FROM search_case WHERE rowid = ANY(%s)", [dropped]),
        ]

    def _masks(self) -> dict[int, Masks]:
        """masks_for_cases of the batch's cases. A new case has no parties and its
        documents no private counterparts (an import marks none), so its masks are
        those of any other new case of its authority: asked for one of each."""
        existing = list(self._existing().values())
        first = {case.authority_id: case for case in reversed(self.new_cases)}
        masks = masks_for_cases([*existing, *first.values()])
        for case in self.new_cases:
            masks[case.pk] = masks[first[case.authority_id].pk]
        return masks


def _pieces(parts: list[str]) -> list[str]:
    """What text.normalise joins: the words of each part that is not empty."""
    return [" ".join(text.words(part)) for part in parts if part]


def _normalised(pieces: list[str], parts: list[str], more: list[str]) -> str:
    """text.normalise([*parts, *more]) with `parts` already split into `pieces`."""
    joined = " ".join([*pieces, *_pieces(more)])
    if len(joined) <= text.MAX_TEXT_CHARS:
        return joined
    return text.normalise([*parts, *more])


def _case_facets(case: Case) -> list[str]:
    return text.case_facets(
        case.authority_id, case.year, case.number, case.classification_id, case.unit_id,
        case.series_id,
    )  # fmt: skip


def _cases_by_external_id(rows: list[CaseRow]) -> dict[tuple[int, str], Case]:
    ids = sorted({row.external_id for row in rows})
    pks = []
    for start in range(0, len(ids), CHUNK):
        where, params = _among("external_id", ids[start : start + CHUNK])
        pks += [pk for (pk,) in execute(f"SELECT id FROM registry_case WHERE {where}", params)]  # noqa: S608 (placeholders only)
    found: dict[tuple[int, str], Case] = {}
    for start in range(0, len(pks), CHUNK):
        for case in Case.objects.select_related("authority__municipality").filter(
            pk__in=pks[start : start + CHUNK]
        ):
            found[(case.authority.municipality_id, case.external_id)] = case
    return found


def _documents_by_external_id(external_ids: list[str]) -> dict[tuple[int, str], int]:
    """The case ids of the documents already imported, by municipality and id."""
    ids = sorted(set(external_ids))
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(ids), CHUNK):
        where, params = _among("d.external_id", ids[start : start + CHUNK])
        sql = (
            "SELECT d.external_id, a.municipality_id, d.case_id FROM registry_document d "  # noqa: S608 (placeholders only)
            "JOIN registry_case c ON c.id = d.case_id JOIN org_authority a "
            "ON a.id = c.authority_id WHERE " + where
        )
        for external_id, municipality_id, case_id in execute(sql, params):
            found[(municipality_id, external_id)] = case_id
    return found


def _among(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """`column` is one of `values`: one array on PostgreSQL (the driver takes longer to
    compose a statement of a thousand placeholders than the server to run it), a
    placeholder each on SQLite."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _locked_counters(
    parsed: list[Parsed], cases: dict[tuple[int, str], Case]
) -> dict[tuple[int, int], CaseCounter]:
    """The counters of the series new cases go into, locked (as the import of one case
    locks its series' counter), in a fixed order."""
    series = sorted({
        (case_row.authority.pk, case_row.year)
        for _row, case_row, _document in parsed
        if (case_row.authority.municipality_id, case_row.external_id) not in cases
    })  # fmt: skip
    if not series:
        return {}
    CaseCounter.objects.bulk_create(
        [CaseCounter(authority_id=authority, year=year) for authority, year in series],
        ignore_conflicts=True,
    )
    authorities = sorted({authority for authority, _year in series})
    locked = (
        CaseCounter.objects.select_for_update()
        .filter(authority_id__in=authorities, year__in={year for _a, year in series})
        .order_by("authority_id", "year")
    )
    return {
        (counter.authority_id, counter.year): counter
        for counter in locked
        if (counter.authority_id, counter.year) in set(series)
    }


def _existing_case_numbers(keys: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    return _matching(
        "WITH w (s, y, n) AS ({values}) SELECT w.s, w.y, w.n FROM registry_case c "
        "JOIN w ON coalesce(c.series_id, c.authority_id) = w.s AND c.year = w.y "
        "AND c.number = w.n",
        keys,
    )


def _existing_document_numbers(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return _matching(
        "WITH w (c, n) AS ({values}) SELECT w.c, w.n FROM registry_document d "
        "JOIN w ON d.case_id = w.c AND d.number = w.n",
        pairs,
    )


def _matching(sql: str, keys: Sequence[tuple[int, ...]]) -> list[Any]:
    """The rows of `sql` joined with `keys` (CHUNK keys a statement: on PostgreSQL an
    array a column, on SQLite a VALUES list)."""
    found = []
    params: list[Any]
    postgresql = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
        if postgresql:
            columns = ", ".join(["%s::bigint[]"] * len(part[0]))
            values = "SELECT * FROM unnest(" + columns + ")"  # noqa: S608 (placeholders only)
            params = [list(column) for column in zip(*part, strict=True)]
        else:
            one = "(" + ", ".join(["%s"] * len(part[0])) + ")"
            values = "VALUES " + ", ".join([one] * len(part))
            params = [value for key in part for value in key]
        found += execute(sql.format(values=values), params).fetchall()
    return [tuple(row) for row in found]


def _ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys for `model`'s rows, taken before the rows are written:
    from the table's sequence on PostgreSQL; on SQLite after the highest used so far
    (the write lock is held until the batch commits)."""
    if not count:
        return []
    table = model._meta.db_table
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        # One value back: thousands of rows cost the driver more than the text.
        (found,) = execute(
            "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT "
            "nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)) ids",
            [table, count],
        ).fetchone()
        return [int(pk) for pk in found.split(",")]
    (used,) = execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "  # noqa: S608 (a model's table)
        "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
        [table],
    ).fetchone()
    return list(range(used + 1, used + 1 + count))


def copy_rows(model: type[Model], instances: Sequence[Model], *, with_pk: bool = False) -> None:
    """Write new rows of `model` with COPY on PostgreSQL, with executemany on SQLite."""
    meta = model._meta
    names = [f.attname for f in meta.concrete_fields if with_pk or f is not meta.auto_field]
    copy_values(model, names, [[getattr(instance, name) for name in names]
                               for instance in instances])  # fmt: skip


def copy_values(model: type[Model], names: list[str], rows: list[list[Any]]) -> None:
    """Write new rows of `model`, each the values of the fields `names` (attribute names).
    The values are prepared as `save()` prepares them (none of the fields has a
    `pre_save` of its own); on PostgreSQL only JSON needs it: the driver takes the other
    values as they are, as `save()` gives them to it unchanged."""
    if not rows:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields}
    fields = [by_name[name] for name in names]
    prepared = [(n, f) for n, f in enumerate(fields)
                if connection.vendor != "postgresql" or isinstance(f, JSONField)]  # fmt: skip
    for values in rows:
        for n, f in prepared:
            values[n] = f.get_db_prep_save(values[n], connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    _write_rows(quote(meta.db_table), columns, rows)


def _write_rows(table: str, columns: str, rows: Sequence[Sequence[Any]]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(rows[0]))
        execute_many(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        return
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        connection.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as stream,
    ):
        for row in rows:
            stream.write_row(row)


def write_index(table: str, rows: list[tuple[int, str, str]], *, remember: bool = True) -> None:
    """Write index rows (search_index.write's) on SQLite."""
    for rowid, body, facets in rows:
        search_index.write(table, rowid, body, facets, remember=remember)


def stage_index(tables: list[str], rows: list[tuple[Any, ...]]) -> list[tuple[str, list[Any]]]:
    """Index rows (search_index.write's) of `tables` at once, each as its rowid, its
    facets and a body for each table, copied as text into a temporary table; and the
    statements that write them into the tables as tsvectors and then drop it (a batch
    may be a savepoint of a longer transaction)."""
    if not rows:
        return []
    if not set(tables) <= {"search_document", "search_public", "search_case"}:
        raise ValueError(f"not index tables: {tables}")
    staged = "bulk_" + "_".join(tables)
    bodies = [f"body_{n}" for n in range(len(tables))]
    execute(f"CREATE TEMPORARY TABLE {staged} (rowid bigint, facets text, "
            + ", ".join(f"{body} text" for body in bodies) + ")")  # fmt: skip
    _write_rows(staged, ", ".join(["rowid", "facets", *bodies]), rows)
    upserts: list[tuple[str, list[Any]]] = [
        (
            f"INSERT INTO {table} (rowid, body, facets) SELECT rowid, "  # noqa: S608 (checked above)
            f"to_tsvector('swedish', {body}), to_tsvector('simple', facets) FROM {staged} "
            "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body, facets = EXCLUDED.facets",
            [],
        )
        for table, body in zip(tables, bodies, strict=True)
    ]
    return [*upserts, (f"DROP TABLE {staged}", [])]


@contextmanager
def meanwhile(statements: list[tuple[str, list[Any]]]) -> Iterator[None]:
    """Run `statements` (PostgreSQL) while the block runs: from a thread on the driver's
    connection, which waits for the server without holding Python's lock, so the
    server's work and the block's Python overlap. The driver lets one statement in at a
    time: one the block sends meanwhile waits for them (the block has none)."""
    if not statements:
        yield
        return
    connection = connections[DEFAULT_DB_ALIAS]
    driver = connection.connection

    def run() -> None:
        with driver.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(run)
        try:
            yield
        except BaseException:
            # The block's error is the one to report; the statements' would hide it.
            wait([done])
            raise
        with connection.wrap_database_errors:
            done.result()
