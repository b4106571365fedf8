"""What a registered document costs: database bytes per table (table and index apart),
rows and audit events per document, and the CPU time of each step, through the actions.

    .venv/bin/python bench/size.py [--documents 5000] [--per-case 4] [--text 6000]
    KANSLI_DATABASE_URL=postgresql://kansli:kansli@127.0.0.1/scratch .venv/bin/python bench/size.py
    KANSLI_DATABASE_URL=... .venv/bin/python bench/size.py --existing   # sizes only

A registrar opens a case (`do_register_case`, one party) for every `--per-case`
documents and registers each document (`do_register_document`); each document gets one
plain-text file of about `--text` characters of Swedish municipal words (`store_bytes`,
`do_attach_file`), whose text the extraction task then reads and indexes, run in this
process as a worker would run it (`--text 0`: no files). Printed: the CPU milliseconds
of each step per call: this process's and its forked children's (the file checks and
the extraction run in children, kansli.files.sandbox) and, on PostgreSQL, the server
backend's (utime + stime from /proc/<pid>/stat, in 10 ms ticks: only its mean is
printed; the server must run on this machine), then every table with its rows and its
bytes, table (with TOAST) and indexes apart, per document and summed by app. PostgreSQL sizes are
pg_table_size and pg_indexes_size after VACUUM ANALYZE; SQLite's are the pages dbstat
counts after a WAL checkpoint, FTS5's shadow tables summed under their index.
`--existing` prints only the sizes of the database it is pointed at (e.g. what
bench/scale.py generated), per document there.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import setup
from search import TITLES, fill


def main() -> None:
    parser = argparse.ArgumentParser(description="Database bytes and CPU per document.")
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--per-case", type=int, default=4)
    parser.add_argument("--text", type=int, default=6000, help="characters of file text")
    parser.add_argument("--existing", action="store_true", help="only the sizes")
    options = parser.parse_args()
    empty: dict[str, tuple[int, int]] = {}
    if options.existing:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
        import django

        django.setup()
    else:
        where = setup()
        print(f"Size: {options.documents:,} documents, {options.per_case} to a case, "
              f"{options.text:,} characters of file text each")  # fmt: skip
        print(f"  {where.database}")
        empty = {name: (table, index) for name, _rows, table, index in measure()}
        register(options)
    report(empty)


def register(options: argparse.Namespace) -> None:
    from kansli.files.extract import extract_file_text
    from kansli.files.store import store_bytes
    from kansli.org.testing import make_authority
    from kansli.registry.actions import do_attach_file, do_register_case, do_register_document
    from kansli.registry.testing import make_registrar

    authority = make_authority("BUN", "Barn- och utbildningsnämnden")
    user = make_registrar(authority, "registrator")
    rng = random.Random(2026)
    templates = [template for kinds in TITLES.values() for _weight, template in kinds]
    day = datetime.date.today() - datetime.timedelta(days=1)
    cpu: dict[str, list[float]] = defaultdict(list)
    server: dict[str, float] = defaultdict(float)

    def timed(step: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started, server_started = cpu_time(), backend_time()
        result = call(*args, **kwargs)
        cpu[step].append(cpu_time() - started)
        server[step] += backend_time() - server_started
        return result

    def text() -> str:
        lines: list[str] = []
        while sum(map(len, lines)) < options.text:
            lines.append(fill(rng.choice(templates), rng, day.year) + ".")
        return "\n".join(lines)

    case = None
    for n in range(options.documents):
        if n % options.per_case == 0:
            title = fill(rng.choice(templates), rng, day.year)
            case = timed("do_register_case", do_register_case, authority, title,
                         parties=[{"name": f"Part {n}"}], actor=user)  # fmt: skip
        description = fill(rng.choice(templates), rng, day.year)
        document = timed("do_register_document", do_register_document, case, "inkommen", day,
                         description, counterpart="Anna Andersson", actor=user)  # fmt: skip
        if options.text:
            name = f"skrivelse-{n}.txt"
            stored = timed("store_bytes", store_bytes, f"{n}\n{text()}".encode(), name)
            timed("do_attach_file", do_attach_file, document, stored, name, actor=user)
            timed("extraction and index", extract_file_text.call, stored.pk)
    print("  CPU time per call (ms): this process and its children (p50, mean), the "
          "database server's (mean)")  # fmt: skip
    for step, seconds in cpu.items():
        ordered = sorted(seconds)
        print(f"    {step:<28} {ordered[len(ordered) // 2] * 1000:8.2f} "
              f"{sum(seconds) / len(seconds) * 1000:8.2f} "
              f"{server[step] / len(seconds) * 1000:8.2f}   ({len(seconds):,} calls)")  # fmt: skip


def cpu_time() -> float:
    """Seconds of CPU used so far by this process and its ended children (the file
    checks and text extraction run in forked children, kansli.files.sandbox)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def backend_time() -> float:
    """Seconds of CPU used so far by the PostgreSQL backend of this process's
    connection; 0 on SQLite, which runs in this process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure() -> list[tuple[str, int, int, int]]:
    """(table, rows, bytes of the table with its TOAST, bytes of its indexes)."""
    from django.db import connection

    with connection.cursor() as cursor:
        return postgresql(cursor) if connection.vendor == "postgresql" else sqlite(cursor)


def report(empty: dict[str, tuple[int, int]]) -> None:
    """Each table's bytes per document, less what it held before (`empty`)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_document")
        (documents,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM registry_case")
        (cases,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM audit_auditevent WHERE action LIKE 'registry.%%'")
        (events,) = cursor.fetchone()
    tables = [
        (name, rows, table - empty.get(name, (0, 0))[0], index - empty.get(name, (0, 0))[1])
        for name, rows, table, index in measure()
    ]
    per = max(documents, 1)
    if empty:
        print("  bytes added since the empty, migrated database")
    print(f"  {documents:,} documents, {cases:,} cases, {events:,} registry audit events "
          f"({events / per:.2f} registry events per document)")  # fmt: skip
    print(f"  {'table':<34} {'rows':>10} {'table B/doc':>12} {'index B/doc':>12}")
    apps: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, rows, table, index in sorted(tables, key=lambda t: -(t[2] + t[3])):
        apps[name.split("_")[0]][0] += table
        apps[name.split("_")[0]][1] += index
        if table + index >= per:  # a byte a document or more
            print(f"  {name:<34} {rows:>10,} {table / per:>12,.0f} {index / per:>12,.0f}")
    print("  by app (all its tables)")
    for app, (table, index) in sorted(apps.items(), key=lambda a: -sum(a[1])):
        if table + index >= per:
            print(f"  {app:<34} {'':>10} {table / per:>12,.0f} {index / per:>12,.0f}")
    table = sum(t[2] for t in tables)
    index = sum(t[3] for t in tables)
    print(f"  {'all':<34} {'':>10} {table / per:>12,.0f} {index / per:>12,.0f}"
          f"   = {(table + index) / per:,.0f} B per document, "
          f"{(table + index) / 2**20:,.1f} MiB in all")  # fmt: skip


def postgresql(cursor: Any) -> list[tuple[str, int, int, int]]:
    cursor.execute("VACUUM ANALYZE")
    cursor.execute(
        "SELECT c.relname, c.reltuples::bigint, pg_table_size(c.oid), pg_indexes_size(c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = 'public'"
    )
    return [(name, max(rows, 0), table, index) for name, rows, table, index in cursor.fetchall()]


def sqlite(cursor: Any) -> list[tuple[str, int, int, int]]:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cursor.execute("SELECT name, tbl_name, type, sql FROM sqlite_master")
    owner: dict[str, str] = {}
    virtual = []
    for name, table, kind, sql in cursor.fetchall():
        owner[name] = table
        if kind == "table" and (sql or "").upper().startswith("CREATE VIRTUAL"):
            virtual.append(name)
    for name in list(owner):  # FTS5's shadow tables (x_data, x_idx, ...) count as index
        for table in virtual:
            if name.startswith(f"{table}_") and name != table:
                owner[name] = f"{table}:index"
    cursor.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, size in cursor.fetchall():
        table = owner.get(name, name)
        if table.endswith(":index"):
            found[table.removesuffix(":index")][1] += size
        else:
            found[table][0 if table == name else 1] += size
    result = []
    for name, (table, index) in found.items():
        if name.startswith("sqlite_"):
            continue
        cursor.execute(f'SELECT count(*) FROM "{name}"')
        result.append((name, cursor.fetchone()[0], table, index))
    return result


if __name__ == "__main__":
    main()
