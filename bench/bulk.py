"""The bulk import's documents per second beside a bare COPY, and registrations per
second with many writers at once, on PostgreSQL.

    KANSLI_DATABASE_URL=postgresql://.../scratch .venv/bin/python bench/bulk.py \\
        [--documents N] [--writers W] [--seconds S]

1. `kansli import registry --bulk`'s work on an export of N documents (ten to a case):
   the file read and checked, then loaded by kansli.registry.bulk (a transaction per
   5,000 rows: cases, documents, timeline entries, sealed and chained audit events and
   the staff's and public search-index rows, all by COPY), and the CPU time per document
   of the process and of its database server process (when on this machine), which a
   loaded machine changes less than the wall time. Beside it the raw baseline:
   the same N document rows by one bare COPY into an unlogged table of the document
   table's columns with no index, constraint or trigger.
2. W processes register at once for S seconds through the real actions (a registrar's
   `do_register_document` in 16 shared cases, and every tenth a new case with
   `do_register_case`); then every case's document numbers and the series' case
   numbers are checked to run 1..N without gaps or duplicates.

Use an empty scratch database: audit events written there cannot be deleted.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import time
from typing import Any

from common import row, setup

HEADER = (
    "case_id;case_number;authority;title;opened;status;closed;document_id;document_number;"
    "direction;document_date;counterpart;description;document_type;secrecy"
)
SHARED_CASES = 16


def main() -> None:
    parser = argparse.ArgumentParser(description="Bulk import and concurrent registration.")
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    options = parser.parse_args()
    where = setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench/bulk.py measures PostgreSQL: set KANSLI_DATABASE_URL.")
    print(f"Bulk import: {options.documents:,} documents, ten to a case")
    print(f"  {where.database}")
    bulk_rate = bulk_import(options.documents)
    raw_rate = raw_copy(options.documents)
    row("bulk import / bare COPY", f"{bulk_rate / raw_rate:.3f}")
    print(f"Registration: {options.writers} processes for {options.seconds:.0f} s")
    concurrent(options.writers, options.seconds)


def export(documents: int) -> bytes:
    """An earlier system's export: ten documents to a case, every fifth with its number."""
    year = datetime.date.today().year - 1
    lines = [HEADER]
    for n in range(documents):
        c, d = n // 10 + 1, n % 10 + 1
        number = str(d) if d % 5 == 0 else ""
        lines.append(
            f"A{c};KS {year}/{c};KS;Bygglov för fastigheten Berga {c}:1;{year}-01-02;;;D{n};"
            f"{number};inkommen;{year}-02-03;Anna Andersson;Ansökan om bygglov, ritning {d};"
            "Ansökan;"
        )
    return ("\n".join(lines) + "\n").encode()


def bulk_import(documents: int) -> float:
    from kansli.org.testing import make_authority
    from kansli.registry.bulk import BulkImporter
    from kansli.registry.legacy_csv import read_csv

    make_authority("KS")
    data = export(documents)
    server = server_seconds()
    started, used = time.perf_counter(), time.process_time()
    rows = read_csv(data).rows
    read = time.perf_counter() - started
    run = BulkImporter()
    refused = [message for _done, messages in run.load(rows) for message in messages]
    seconds = time.perf_counter() - started
    used = time.process_time() - used
    if refused or run.tally.documents != documents:
        raise SystemExit(f"the import refused rows: {refused[:3]}")
    row("file read (CSV, decoding)", f"{read:.1f} s")
    row("bulk import, file to committed rows", f"{documents / seconds:,.0f} docs/s")
    row("  CPU per document: the import's Python", f"{used / documents * 1e6:,.0f} µs")
    if server is not None:
        spent = (server_seconds() or 0.0) - server
        row("  CPU per document: its database server process", f"{spent / documents * 1e6:,.0f} µs")
    return documents / seconds


def server_seconds() -> float | None:
    """The CPU time of the connection's server process so far, when the server runs on
    this machine (what a loaded machine leaves of the wall time says less)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def raw_copy(documents: int) -> float:
    """The same document rows (read back beforehand) by one bare COPY through the driver
    into an unlogged table of the same columns, without any index."""
    from django.db import connection

    from kansli.registry.models import Document

    columns = [field.column for field in Document._meta.concrete_fields]
    rows = list(Document.objects.order_by("pk").values_list(*columns)[:documents])
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE UNLOGGED TABLE bench_raw (LIKE registry_document)")
        raw.commit()
        started = time.perf_counter()
        with cursor.copy(f"COPY bench_raw ({', '.join(columns)}) FROM STDIN") as stream:
            for values in rows:
                stream.write_row(values)
        raw.commit()
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw")
        raw.commit()
    row("raw: bare COPY of the document rows", f"{documents / seconds:,.0f} rows/s")
    return documents / seconds


def _writer(args: tuple[str, list[int], float, Any, Any]) -> None:
    username, case_ids, seconds, ready, counts = args
    import django

    django.setup()
    from kansli.org.models import User
    from kansli.registry.actions import do_register_case, do_register_document
    from kansli.registry.models import Case

    user = User.objects.get(username=username)
    cases = list(Case.objects.filter(pk__in=case_ids).select_related("authority__municipality"))
    day = datetime.date.today() - datetime.timedelta(days=1)
    done = 0
    ready.wait()
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        if done % 10 == 9:
            do_register_case(cases[0].authority, f"Ärende {done}", actor=user)
        else:
            do_register_document(cases[done % len(cases)], "inkommen", day, f"Skrivelse {done}",
                                 counterpart="Anna Andersson", actor=user)  # fmt: skip
        done += 1
    counts.put(done)


def concurrent(writers: int, seconds: float) -> None:
    from django.db import connection

    from kansli.org.testing import make_authority
    from kansli.registry.models import Case, CaseCounter
    from kansli.registry.testing import make_case, make_registrar

    authority = make_authority("BUN", "Barn- och utbildningsnämnden")
    user = make_registrar(authority, "bun-registrator")
    cases = [make_case(f"Delat ärende {n}", authority=authority).pk for n in range(SHARED_CASES)]
    connection.close()  # not inherited by the writers
    context = multiprocessing.get_context("spawn")
    ready, counts = context.Barrier(writers + 1), context.Queue()
    processes = [
        context.Process(target=_writer, args=((user.username, cases, seconds, ready, counts),))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    ready.wait()
    started = time.perf_counter()
    done = sum(counts.get() for _ in processes)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    row(f"{writers} processes, registrations", f"{done / elapsed:,.0f} reg/s")
    gaps = 0
    for case in Case.objects.filter(authority=authority):
        numbers = sorted(case.documents.values_list("number", flat=True))
        gaps += numbers != list(range(1, case.last_document_number + 1))
    counters = CaseCounter.objects.filter(authority=authority)
    for counter in counters:
        numbers = sorted(
            Case.objects.filter(authority=authority, year=counter.year).values_list(
                "number", flat=True
            )
        )
        gaps += numbers != list(range(1, counter.last_number + 1))
    row("numbers per case and series 1..N, no gaps/dups", "yes" if not gaps else f"NO ({gaps})")


if __name__ == "__main__":
    main()
