"""The bulk import (kansli.registry.bulk): the same rows, numbers, events and index rows
as the row-by-row import, a refused row refusing its batch, and registrations running
at the same time keeping their numbers."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from kansli.audit.chain import latest_marks, latest_seq, verify
from kansli.audit.models import AuditEvent
from kansli.org import actions as org_actions
from kansli.org.models import Authority
from kansli.org.testing import make_authority, make_municipality
from kansli.registry.actions import do_register_case, do_register_document
from kansli.registry.bulk import BulkImporter
from kansli.registry.importer import Importer
from kansli.registry.legacy_csv import read_csv
from kansli.registry.models import Case, CaseCounter, Document, Party, TimelineEntry
from kansli.registry.testing import make_provision
from kansli.search import index as search_index
from kansli.search.schema import TABLES

HEADER = (
    "case_id;case_number;authority;title;opened;status;closed;document_id;document_number;"
    "direction;document_date;counterpart;description;document_type;secrecy"
)
INDEXES = ["search_document", "search_public"]
STATUSES = ["", "under handläggning", "beslutat", "avslutat", "makulerat"]
DIRECTIONS = ["inkommen", "upprättad", "utgående", "PM"]


def export(code: str, cases: int, documents: int = 7) -> list[str]:
    """An earlier system's export: each case with 0..documents-1 documents, some with
    their numbers given (one leaving a gap), some secrecy-marked, some of a type with a
    personal identity number in it."""
    lines = [HEADER]
    for c in range(1, cases + 1):
        year = 2015 + c % 8
        status = STATUSES[c % len(STATUSES)]
        closed = f"{year}-12-30" if status == "avslutat" else ""
        title = f"Ärende {c} om parkbänk {c % 13}"
        case = f"A{c};{code} {year}/{c};{code};{title};{year}-02-0{c % 9 + 1}"
        count = c % documents
        if count == 0:
            lines.append(f"{case};{status};{closed};;;;;;;;")
        for d in range(1, count + 1):
            number = {2: "2", 4: f"{code} {year}/{c}-6"}.get(d, "")
            secrecy = "OSL 39 kap. 3 §" if (c + d) % 5 == 0 else ""
            # Some types with a personal identity number, which the public diary masks:
            # their public index rows leave the type's token out (index.public_facets).
            kind = "Brev 19121212-1212" if (c + d) % 7 == 0 else "Brev"
            lines.append(
                f"{case};{status};{closed};D{c}-{d};{number};{DIRECTIONS[(c + d) % 4]};"
                f"{year}-03-{d:02d};Avsändare {d} Ek;Skrivelse {d} om bänk {c};{kind};{secrecy}"
            )
    return lines


def rows_of(lines: list[str]) -> Any:
    return read_csv(("\n".join(lines) + "\n").encode()).rows


def other_authority() -> Authority:
    """BN in another municipality: the same external ids are other cases there."""
    return org_actions.do_create_authority(
        make_municipality("Annan kommun"), Authority.Kind.BOARD, "BN", "Byggnadsnämnden",
        actor=None,
    )  # fmt: skip


def case_values(case: Case) -> tuple[Any, ...]:
    return (
        case.year, case.number, case.title, case.status, case.opened_at, case.closed_at,
        case.void_reason, case.last_document_number, case.series_id, case.access_group_id,
    )  # fmt: skip


def document_values(document: Document) -> tuple[Any, ...]:
    return (
        document.case.external_id, document.number, document.direction, document.document_date,
        document.registered_at, document.registered_by_id, document.counterpart,
        document.description, document.document_type, document.kind_id, document.secrecy_id,
        document.secrecy_marked_at, document.registration_lag, document.withhold_counterpart,
        document.withhold_description, document.voided_at,
    )  # fmt: skip


def event_values(event: AuditEvent) -> tuple[Any, ...]:
    after = {k: v for k, v in (event.after or {}).items() if k not in ("authority", "case")}
    return (event.action, event.actor_label, event.object_label.replace("BN", "KS"), after)


def index_rows(table: str, rowids: list[int]) -> dict[int, tuple[str, str]]:
    """The rows as the database gives them back (PostgreSQL: the tsvectors' text)."""
    cast = "::text" if connection.vendor == "postgresql" else ""
    marks = ", ".join(["%s"] * len(rowids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, body{cast}, facets{cast} FROM {table} WHERE rowid IN ({marks})",
            rowids,
        )
        return {rowid: (body, facets) for rowid, body, facets in cursor.fetchall()}


@pytest.mark.django_db
def test_the_bulk_import_gives_what_the_row_by_row_import_gives() -> None:
    ks, bn = make_authority("KS"), other_authority()
    make_provision()
    lines = export("KS", 600)
    bulk = BulkImporter(batch=500)  # cases' documents fall in two batches
    assert [messages for _done, messages in bulk.load(rows_of(lines))] == [[]] * 4
    single = Importer()
    assert {refused for _row, refused in single.load(rows_of(export("BN", 600)))} == {None}
    assert bulk.tally == single.tally
    assert (bulk.tally.cases, bulk.tally.documents) == (600, sum(c % 7 for c in range(601)))

    by_id = {c.external_id: c for c in Case.objects.filter(authority=bn)}
    for case in Case.objects.filter(authority=ks):
        assert case_values(case) == case_values(by_id[case.external_id]), case.external_id
    mine = Document.objects.select_related("case").order_by("case__external_id", "number")
    ks_documents = list(mine.filter(case__authority=ks))
    bn_documents = list(mine.filter(case__authority=bn))
    assert [document_values(d) for d in ks_documents] == [document_values(d) for d in bn_documents]
    assert [d.number for d in ks_documents if d.case.external_id == "A6"] == [1, 2, 3, 6, 7, 8]

    def timeline(authority: Authority) -> list[tuple[Any, ...]]:
        entries = TimelineEntry.objects.filter(case__authority=authority).order_by("pk")
        return [(e.case.external_id, e.at, e.kind, e.text, e.actor_id) for e in entries]

    assert timeline(ks) == timeline(bn)
    events = list(AuditEvent.objects.order_by("seq"))
    imported = [e for e in events if e.action.startswith("registry.import_")]
    ks_events = [e for e in imported if e.object_label.startswith("KS")]
    bn_events = [e for e in imported if e.object_label.startswith("BN")]
    assert len(ks_events) == 600 + bulk.tally.documents
    assert [event_values(e) for e in ks_events] == [event_values(e) for e in bn_events]
    assert [e.object_id for e in ks_events[:3]] == [
        str(Case.objects.get(authority=ks, external_id="A1").pk),
        str(Document.objects.get(case__authority=ks, external_id="D1-1").pk),
        str(Case.objects.get(authority=ks, external_id="A2").pk),
    ]
    assert verify().ok
    assert latest_marks()[0] == latest_seq() == len(events)
    counter = CaseCounter.objects.get(authority=ks, year=2015 + 600 % 8)
    assert counter.last_number == 600

    documents = [d.pk for d in ks_documents]
    lone = list(
        Case.objects.filter(authority=ks, documents__isnull=True).values_list("pk", flat=True)
    )
    written = {table: index_rows(table, documents) for table in TABLES}
    written["search_case"] = index_rows("search_case", lone)
    assert len(written["search_document"]) == len(written["search_public"]) == len(documents)
    assert len(written["search_case"]) == len(lone) == 600 // 7
    assert index_rows("search_case", [d.case_id for d in ks_documents]) == {}
    for case in Case.objects.filter(authority=ks)[:60]:  # as the index writes them itself
        search_index.index_case(case)
    again = {table: index_rows(table, documents) for table in TABLES}
    again["search_case"] = index_rows("search_case", lone)
    assert again == written


@pytest.mark.django_db
def test_a_bad_row_refuses_its_batch_and_leaves_nothing_of_it(tmp_path: Path) -> None:
    make_authority("KS")
    make_provision()
    lines = export("KS", 90)
    bad = 150  # the row on line 151 of the file
    lines[bad] = lines[bad].replace(";Brev;", ";Brev;OSL 99 kap. 1 §")
    bad_case = lines[bad].split(";")[0]
    bulk = BulkImporter(batch=100)
    outcomes = list(bulk.load(rows_of(lines)))
    assert outcomes[1] == (200, [
        "Rad 151 avvisad: Okänd sekretessbestämmelse 'OSL 99 kap. 1 §'.",
        "Rad 102–201 lästes inte in: satsen har avvisade rader.",
    ])  # fmt: skip
    assert [messages for _done, messages in outcomes if _done != 200] == [[]] * (len(outcomes) - 1)
    assert bulk.tally.rejected == 100
    loaded = set(Document.objects.values_list("external_id", flat=True))
    in_batch = {line.split(";")[7] for line in lines[101:201]} - {""}
    outside = {line.split(";")[7] for line in lines[1:101] + lines[201:]} - {""}
    assert loaded == outside
    assert not in_batch & loaded
    assert not Case.objects.filter(external_id=bad_case).exists()
    imported = AuditEvent.objects.filter(action="registry.import_document").count()
    entries = TimelineEntry.objects.filter(text__startswith="Handling").count()
    assert imported == entries == len(outside)
    assert verify().ok

    # A conflict found under the locks (a number already given) refuses the batch too,
    # and the series' counter stays as it was.
    taken = Document.objects.filter(case__external_id="A1").get()
    year = taken.case.year
    before = CaseCounter.objects.get(authority__code="KS", year=year).last_number
    path = tmp_path / "more.csv"
    more = [
        HEADER,
        f"Z1;KS {year}/900;KS;Nytt ärende;{year}-01-02;;;Z1-1;;inkommen;{year}-01-03;Bo;Brev;;",
        f"A1;KS {year}/1;KS;Ärende 1;{year}-02-02;;;Z2;1;inkommen;{year}-01-03;Bo;Brev;;",
    ]
    path.write_text("\n".join(more) + "\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "registry", str(path), "--bulk", stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert err.getvalue().splitlines() == [
        f"Rad 3 avvisad: Handling KS {year}/1-1 finns redan.",
        "Rad 2–3 lästes inte in: satsen har avvisade rader.",
    ]
    assert "0 ärenden och 0 handlingar nya, 0 rader oförändrade, 2 rader avvisade" in out.getvalue()
    assert not Case.objects.filter(external_id="Z1").exists()
    assert CaseCounter.objects.get(authority__code="KS", year=year).last_number == before


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at once")
def test_registrations_during_a_bulk_import_keep_their_numbers(transactional_db: None) -> None:
    ks = make_authority("KS")
    year = 2024
    lines = [HEADER, f"A1;KS {year}/1;KS;Stort ärende;{year}-01-02;;;;;;;;;;"]
    # New cases first, all in the first batch, with numbers the series has not reached:
    # a number given meanwhile would be one the file has too (and refuse its batch).
    lines += [f"B{n};KS {year}/{n + 1000};KS;Ärende {n};{year}-03-01;;;;;;;;;;" for n in range(100)]
    lines += [
        f"A1;KS {year}/1;KS;Stort ärende;{year}-01-02;;;D{n};;inkommen;{year}-02-01;Bo;Brev {n};;"
        for n in range(3000)
    ]
    Importer().load_row(rows_of(lines[:2])[0])
    case = Case.objects.get(external_id="A1")
    done, errors, registered = threading.Event(), [], []

    def registrar() -> None:
        try:
            while not done.is_set():
                document = do_register_document(case, "upprattad", case.opened_at.date(),
                                                "PM", actor=None)  # fmt: skip
                new_case = do_register_case(ks, "Samtidigt", opened_at=case.opened_at, actor=None)
                registered.append((document.number, new_case.number))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=registrar)
    thread.start()
    try:
        bulk = BulkImporter(batch=150)
        assert all(messages == [] for _done, messages in bulk.load(rows_of([HEADER, *lines[2:]])))
    finally:
        done.set()
        thread.join(timeout=120)
    assert errors == []
    assert registered
    numbers = sorted(Document.objects.filter(case=case).values_list("number", flat=True))
    assert numbers == list(range(1, 3000 + len(registered) + 1))
    case.refresh_from_db()
    assert case.last_document_number == len(numbers)
    cases = sorted(Case.objects.filter(authority=ks, year=year).values_list("number", flat=True))
    assert len(cases) == len(set(cases)) == 101 + len(registered)
    assert set(range(1000, 1100)) <= set(cases)
    counter = CaseCounter.objects.get(authority=ks, year=year)
    assert counter.last_number == max(cases)
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_same_rows_imported_twice_at_once_are_stored_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two bulk imports of one delta file at once (documents into a case already there):
    the second waits for the first's locks and then finds its documents (review)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at once")
    from kansli.registry import bulk

    make_authority("KS")
    lines = [HEADER, "A1;KS 2024/1;KS;Stort ärende;2024-01-02;;;;;;;;;;"]
    Importer().load_row(rows_of(lines)[0])
    delta = [HEADER] + [
        f"A1;KS 2024/1;KS;Stort ärende;2024-01-02;;;D{n};;inkommen;2024-02-01;Bo;Brev {n};;"
        for n in range(50)
    ]
    both_read = threading.Barrier(2)
    locking = bulk.Batch._lock_existing

    def together(self: Any, cases: Any, parsed: Any) -> Any:
        both_read.wait(timeout=30)  # both have read the cases before either locks
        return locking(self, cases, parsed)

    monkeypatch.setattr(bulk.Batch, "_lock_existing", together)

    def run() -> None:
        try:
            list(BulkImporter().load(rows_of(delta)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    documents = Document.objects.filter(case__external_id="A1")
    assert documents.count() == 50
    assert sorted(documents.values_list("number", flat=True)) == list(range(1, 51))
    assert verify().ok


@pytest.mark.django_db
def test_a_batch_the_database_refuses_is_reported_and_the_next_one_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import OperationalError

    from kansli.registry import bulk

    make_authority("KS")
    lines = [HEADER] + [
        f"B{n};KS 2024/{n};KS;Ärende {n};2024-01-02;;;D{n};;inkommen;2024-02-01;Bo;Brev {n};;"
        for n in range(1, 5)
    ]
    writing = bulk.Batch.write
    calls: list[int] = []

    def deadlocked_once(self: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        writing(self)

    monkeypatch.setattr(bulk.Batch, "write", deadlocked_once)
    run = BulkImporter(batch=2)
    said = [message for _done, messages in run.load(rows_of(lines)) for message in messages]
    assert said == [
        "Rad 2–3 lästes inte in: databasen avvisade satsen (deadlock detected). Kör filen "
        "igen: rader som redan finns läses inte in två gånger."
    ]
    assert sorted(Case.objects.values_list("external_id", flat=True)) == ["B3", "B4"]
    assert (run.tally.rejected, run.tally.documents) == (2, 2)


@pytest.mark.django_db
def test_protected_and_private_names_are_indexed_as_a_registration_indexes_them() -> None:
    """Documents into a case with a party of protected identity and a private person,
    and a new case beside it: the rows the registration's own indexing writes (no
    protected name in either index, not even in a free-text document type, the private
    person's not in the public one)."""
    make_authority("KS")
    make_provision()
    first = [HEADER, "A1;KS 2024/1;KS;Bygglov för Tove Hemlig;2024-01-02;;;;;;;;;;"]
    Importer().load_row(rows_of(first)[0])
    case = Case.objects.get(external_id="A1")
    Party.objects.create(case=case, name="Tove Hemlig", protected_identity=True)
    Party.objects.create(case=case, name="Per Privat", identity_number="19121212-1212")
    about = "Skrivelse från Per Privat 19121212-1212 per@example.se om Tove Hemlig"
    lines = [HEADER] + [
        f"A1;KS 2024/1;KS;Bygglov för Tove Hemlig;2024-01-02;;;D{n};;inkommen;2024-02-01;"
        f"{who};{about};Brev från Tove Hemlig;{secrecy}"
        for n, (who, secrecy) in enumerate(
            [("Tove Hemlig", ""), ("Per Privat", ""), ("Kommunen", "OSL 39 kap. 3 §")]
        )
    ]
    lines.append(f"B1;KS 2024/2;KS;Nytt ärende;2024-01-03;;;E1;;inkommen;2024-02-01;Bo;{about};;")
    bulk = BulkImporter()
    assert [messages for _done, messages in bulk.load(rows_of(lines))] == [[]]
    documents = list(Document.objects.filter(external_id__in=["D0", "D1", "D2", "E1"]))
    ids = [d.pk for d in documents]
    written = {table: index_rows(table, ids) for table in INDEXES}
    assert all(len(rows) == 4 for rows in written.values())
    for document in documents:
        staff, public = [written[table][document.pk][0].lower() for table in INDEXES]
        assert "1212" not in public and "example" not in public
        if document.case_id == case.pk:
            assert "hemlig" not in staff and "hemlig" not in public
            assert "per privat" not in public
        search_index.index_document(document)
    assert {table: index_rows(table, ids) for table in INDEXES} == written


@pytest.mark.django_db
def test_an_index_statement_the_database_refuses_refuses_its_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL the index rows become tsvectors while the events are made: a
    failure there is reported as the batch's, which leaves nothing behind."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes the index rows one by one, before the events")
    from kansli.registry import bulk

    make_authority("KS")
    lines = [HEADER] + [
        f"B{n};KS 2024/{n};KS;Ärende {n};2024-01-02;;;D{n};;inkommen;2024-02-01;Bo;Brev {n};;"
        for n in range(1, 5)
    ]
    staging = bulk.stage_index
    calls: list[int] = []

    def failing_once(tables: list[str], rows: list[Any]) -> list[Any]:
        calls.append(1)
        statements = staging(tables, rows)
        return [("SELECT 1 / 0", []), *statements] if len(calls) == 1 else statements

    monkeypatch.setattr(bulk, "stage_index", failing_once)
    run = BulkImporter(batch=2)
    said = [message for _done, messages in run.load(rows_of(lines)) for message in messages]
    assert len(said) == 1
    assert said[0].startswith("Rad 2–3 lästes inte in: databasen avvisade satsen (division by zero")
    assert sorted(Case.objects.values_list("external_id", flat=True)) == ["B3", "B4"]
    assert (run.tally.rejected, run.tally.documents) == (2, 2)
    documents = list(Document.objects.values_list("pk", flat=True))
    assert len(index_rows("search_document", documents)) == 2
    assert verify().ok
