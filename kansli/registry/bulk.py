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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import JSONField, Model

from kansli.access.protected import Hide
from kansli.audit.chain import append_batch, new_event
from kansli.audit.models import AuditEvent
from kansli.org.changes import snapshot
from kansli.org.models import Authority, Role
from kansli.public.record import Masks, counterpart, description, masks_for_cases, scrub
from kansli.registry.actions import CASE_FIELDS, DOCUMENT_FIELDS
from kansli.registry.importer import VOIDED_BEFORE, Tally, imported_document, start_of
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
    documents: list[Document] = field(default_factory=list)
    made: list[Case | Document] = field(default_factory=list)  # in the rows' order
    unchanged: int = 0
    faults: list[tuple[int, str]] = field(default_factory=list)
    last_numbers: dict[int, int] = field(default_factory=dict)  # existing cases' counters
    allowed: dict[tuple[int, str], str] = field(default_factory=dict)

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
        document = imported_document(case, number, row)
        self.documents.append(document)
        self.made.append(document)

    def write(self) -> None:
        """Write the planned rows: ids first (the events and index rows name them)."""
        for case, pk in zip(self.new_cases, _ids(Case, len(self.new_cases)), strict=True):
            case.pk = pk
        for document, pk in zip(self.documents, _ids(Document, len(self.documents)), strict=True):
            document.pk = pk
            document.case = document.case  # its id, now that a new case has one
        changed = [(case.last_document_number, pk) for pk, case in self._existing().items()
                   if case.last_document_number != self.last_numbers[pk]]  # fmt: skip
        execute_many("UPDATE registry_case SET last_document_number = %s WHERE id = %s", changed)
        copy_rows(Case, self.new_cases, with_pk=True)
        copy_rows(Document, self.documents, with_pk=True)
        copy_rows(TimelineEntry, [self._timeline_entry(made) for made in self.made])
        self._index()
        # Last: the chain's head stays locked from here to the commit, and every action
        # of the installation that writes an event waits for it meanwhile.
        events = [self._event(made) for made in self.made]
        append_batch(events)
        copy_rows(AuditEvent, events)

    def _existing(self) -> dict[int, Case]:
        """The cases that were there before the batch and get documents in it."""
        return {d.case.pk: d.case for d in self.documents if d.case.pk in self.last_numbers}

    def _timeline_entry(self, made: Case | Document) -> TimelineEntry:
        external_id = made.external_id
        if isinstance(made, Case):
            return TimelineEntry(
                case=made, at=made.opened_at, actor=self.actor, kind="imported",
                text=f"Ärendet registrerades i det tidigare systemet (id {external_id}).",
            )  # fmt: skip
        return TimelineEntry(
            case=made.case, at=made.registered_at, actor=self.actor, kind="imported",
            text=f"Handling {made.number} registrerades i det tidigare systemet "
            f"(id {external_id}).",
        )  # fmt: skip

    def _event(self, made: Case | Document) -> AuditEvent:
        """The audit event `record` would write for the row (append_batch seals it)."""
        if isinstance(made, Case):
            after = snapshot(made, [*CASE_FIELDS, "opened_at", "external_id"])
            return new_event(actor=self.actor, action="registry.import_case", obj=made,
                             after=after)  # fmt: skip
        after = snapshot(made, [*DOCUMENT_FIELDS, "external_id"])
        return new_event(actor=self.actor, action="registry.import_document", obj=made,
                         label=made.document_number, after=after)  # fmt: skip

    def _index(self) -> None:
        """The staff's and the public's index rows, as index_document writes them (a new
        document has no text from any source yet; search_index.public_text's words,
        the case's taken once for all its documents), and the case rows: dropped for a
        case with documents, written for a new case without."""
        cases = {case.pk: case for case in [*self.new_cases, *self._existing().values()]}
        names: dict[int, list[str]] = defaultdict(list)
        for case_id, name in (
            Party.objects.filter(case_id__in=list(self._existing()), protected_identity=False)
            .order_by("pk")
            .values_list("case_id", "name")
        ):
            names[case_id].append(name)
        masks = masks_for_cases(cases.values())
        staff_words = {pk: search_index.case_parts(case, names[pk]) for pk, case in cases.items()}
        public_words = {
            pk: text.case_words(case.case_number, case.series_code, case.year, case.number,
                                scrub(case.title, masks[pk]), [])
            for pk, case in cases.items()
        }  # fmt: skip
        facets_of = {pk: _case_facets(case) for pk, case in cases.items()}
        staff, public = [], []
        for document in self.documents:
            pk, mask = document.case.pk, masks[document.case.pk]
            own = text.document_words(document.description, document.counterpart,
                                      document.document_type)  # fmt: skip
            body = _without_protected(text.normalise([*staff_words[pk], *own]), mask)
            facets = " ".join(
                text.document_facets(facets_of[pk], document.direction, document.document_date)
            )
            shown = [counterpart(document, mask), description(document, mask),
                     document.document_type]  # fmt: skip
            staff.append((document.pk, body, facets))
            public.append((document.pk, text.normalise([*public_words[pk], *shown]), facets))
        with_documents = {document.case.pk for document in self.documents}
        alone = [
            (case.pk, _without_protected(text.normalise(staff_words[case.pk]), masks[case.pk]),
             " ".join(facets_of[case.pk]))
            for case in self.new_cases
            if case.pk not in with_documents
        ]  # fmt: skip
        write_index("search_document", staff)
        write_index("search_public", public, remember=False)
        write_index("search_case", alone)
        execute_many("DELETE FROM search_case WHERE rowid = %s", [(pk,) for pk in with_documents])


def _case_facets(case: Case) -> list[str]:
    return text.case_facets(
        case.authority_id, case.year, case.number, case.classification_id, case.unit_id,
        case.series_id,
    )  # fmt: skip


def _without_protected(body: str, masks: Masks) -> str:
    """No names of parties with protected identity in the staff's text (as the index)."""
    return Hide(masks.protected)(body) if masks.protected else body


def _cases_by_external_id(rows: list[CaseRow]) -> dict[tuple[int, str], Case]:
    ids = sorted({row.external_id for row in rows})
    found: dict[tuple[int, str], Case] = {}
    for start in range(0, len(ids), CHUNK):
        for case in Case.objects.select_related("authority__municipality").filter(
            external_id__in=ids[start : start + CHUNK]
        ):
            found[(case.authority.municipality_id, case.external_id)] = case
    return found


def _documents_by_external_id(external_ids: list[str]) -> dict[tuple[int, str], int]:
    """The case ids of the documents already imported, by municipality and id."""
    ids = sorted(set(external_ids))
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(ids), CHUNK):
        for external_id, municipality_id, case_id in Document.objects.filter(
            external_id__in=ids[start : start + CHUNK]
        ).values_list("external_id", "case__authority__municipality_id", "case_id"):
            found[(municipality_id, external_id)] = case_id
    return found


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
    """The rows of `sql` joined with `keys` (a VALUES list, CHUNK keys a statement)."""
    found = []
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
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
        found = execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in found.fetchall()]
    (used,) = execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "  # noqa: S608 (a model's table)
        "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
        [table],
    ).fetchone()
    return list(range(used + 1, used + 1 + count))


def copy_rows(model: type[Model], instances: Sequence[Model], *, with_pk: bool = False) -> None:
    """Write new rows of `model` with COPY on PostgreSQL, with executemany on SQLite.
    The values are prepared as `save()` prepares them (none of the fields has a
    `pre_save` of its own); on PostgreSQL only JSON needs it: the driver takes the other
    values as they are, as `save()` gives them to it unchanged."""
    if not instances:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if with_pk or f is not meta.auto_field]
    names = [f.attname for f in fields]
    prepared = [(n, f) for n, f in enumerate(fields)
                if connection.vendor != "postgresql" or isinstance(f, JSONField)]  # fmt: skip
    rows = []
    for instance in instances:
        values = [getattr(instance, name) for name in names]
        for n, f in prepared:
            values[n] = f.get_db_prep_save(values[n], connection)
        rows.append(values)
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
    """Write index rows (search_index.write's, a batch at a time): on PostgreSQL copied
    as text into a temporary table and turned into tsvectors in one statement."""
    if not rows:
        return
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        for rowid, body, facets in rows:
            search_index.write(table, rowid, body, facets, remember=remember)
        return
    if table not in ("search_document", "search_public", "search_case"):
        raise ValueError(f"not an index table: {table}")
    execute("CREATE TEMPORARY TABLE bulk_index (rowid bigint, body text, facets text)")
    _write_rows("bulk_index", "rowid, body, facets", rows)
    execute(
        f"INSERT INTO {table} (rowid, body, facets) SELECT rowid, "  # noqa: S608 (checked above)
        "to_tsvector('swedish', body), to_tsvector('simple', facets) FROM bulk_index "
        "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body, facets = EXCLUDED.facets"
    )
    execute("DROP TABLE bulk_index")
