"""Registrations per second through the registry's actions, beside a raw-SQL baseline
for the same work.

    .venv/bin/python bench/registry.py [--registrations N] [--writers W] [--seconds S]

On SQLite (default): a registrar registers N incoming documents in existing cases with
`do_register_document` (permission, case row locked, document number, registration lag,
timeline, audit event, full-text row), then the same rows are written with raw SQL in
one transaction each (document counter, document row, timeline row, full-text row and
its words, hashed audit event and chain head): the limit of the database itself. On
PostgreSQL (KANSLI_DATABASE_URL) additionally W processes register at once for S
seconds, started together: new cases with `do_register_case`, then documents in 50
shared cases with `do_register_document`, then the raw SQL of a document registration
(the raw baseline with W writers); beside each rate what the connections holding the
locks the others wait for were doing, and the numbers are checked to run 1..N without
gaps or duplicates and the audit chain verified.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import multiprocessing
import secrets
import time
from collections.abc import Callable
from typing import Any

from common import rate, row, setup


def main() -> None:
    parser = argparse.ArgumentParser(description="Registry registration rates.")
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    options = parser.parse_args()
    where = setup()
    print(f"Registry: {options.registrations} registrations per measurement")
    print(f"  {where.database}")
    cases = prepare()
    actions_rate = through_actions(cases, options.registrations)
    from django.db import connection

    together = 0.0
    if connection.vendor == "postgresql":  # before the raw rows, which verify() refuses
        together = concurrent(options.writers, options.seconds)
    raw_rate = raw_sql(cases, options.registrations)
    print(f"  actions / raw: {actions_rate / raw_rate:.2f}")
    if connection.vendor == "postgresql":
        raw_together = concurrent_raw(options.writers, options.seconds)
        row(f"{options.writers} processes, actions / raw", f"{together / raw_together:.2f}")


def prepare() -> list[int]:
    from kansli.org.testing import make_authority
    from kansli.registry.testing import make_case

    make_authority("KS")
    return [make_case(f"Ärende {n}").pk for n in range(50)]


def registrar() -> Any:
    """The registrar who registers (so the permission check is measured too)."""
    from kansli.org.models import Authority
    from kansli.registry.testing import make_registrar

    return make_registrar(Authority.objects.get(code="KS"), "registrator")


def through_actions(case_ids: list[int], count: int) -> float:
    from kansli.registry.actions import do_register_document
    from kansli.registry.models import Case

    cases = list(Case.objects.filter(pk__in=case_ids).select_related("authority__municipality"))
    user = registrar()
    day = datetime.date.today() - datetime.timedelta(days=1)

    def register(n: int) -> None:
        do_register_document(
            cases[n % len(cases)], "inkommen", day, f"Skrivelse {n}",
            counterpart="Anna Andersson", actor=user,
        )  # fmt: skip

    for n in range(50):
        register(n)
    _seconds, per_second = rate(count, register)
    row("do_register_document (actions)", f"{per_second:,.0f} reg/s")
    return per_second


def raw_sql(case_ids: list[int], count: int) -> float:
    """The same rows through the DB-API cursor, one transaction each."""
    _seconds, per_second = rate(count, raw_statements(case_ids))
    row("raw SQL, same rows", f"{per_second:,.0f} reg/s")
    return per_second


def raw_statements(case_ids: list[int]) -> Callable[[int], None]:
    """A document registration's rows through the DB-API cursor, one transaction."""
    from django.db import connection
    from django.utils import timezone

    connection.ensure_connection()
    raw = connection.connection
    sqlite = connection.vendor == "sqlite"
    p = "?" if sqlite else "%s"
    cursor = raw.cursor()
    if not sqlite:
        raw.autocommit = True
    day = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    def register(n: int) -> None:
        case_id = case_ids[n % len(case_ids)]
        now = timezone.now()
        cursor.execute("BEGIN IMMEDIATE" if sqlite else "BEGIN")
        cursor.execute(
            f"UPDATE registry_case SET last_document_number = last_document_number + 1 "
            f"WHERE id = {p} RETURNING last_document_number",
            [case_id],
        )
        number = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO registry_document (case_id, number, direction, document_date, "
            "registered_at, counterpart, counterpart_address, description, document_type, "
            "registration_lag, withhold_counterpart, withhold_description, counterpart_is_private, "
            f"void_reason, external_id, secrecy_basis) VALUES ({p}, {p}, 'inkommen', {p}, {p}, "
            f"'Anna Andersson', '', {p}, '', 1, FALSE, FALSE, FALSE, '', '', '') RETURNING id",
            [case_id, number, day, now, f"Skrivelse {n}"],
        )
        document_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO registry_timelineentry (case_id, at, kind, text) "
            f"VALUES ({p}, {p}, 'document', {p})",
            [case_id, now, f"Handling {number} registrerades."],
        )
        body = f"ks 2026 {case_id} ärende {case_id} skrivelse {n} anna andersson"
        facets = f"a1 y2026 n2026x{case_id} dinkommen t2026"
        if sqlite:
            for table in ("search_document", "search_public"):  # staff and public rows
                cursor.execute(
                    f"INSERT INTO {table} (rowid, body, facets) VALUES (?, ?, ?)",
                    [document_id, body, facets],
                )
            cursor.executemany(
                "INSERT OR IGNORE INTO search_term (term) VALUES (?)", [(w,) for w in body.split()]
            )
        else:
            for table in ("search_document", "search_public"):
                cursor.execute(
                    f"INSERT INTO {table} (rowid, body, facets) VALUES "
                    "(%s, to_tsvector('swedish', %s), to_tsvector('simple', %s))",
                    [document_id, body, facets],
                )
        cursor.execute(f"DELETE FROM search_case WHERE rowid = {p}", [case_id])
        cursor.execute(
            "UPDATE audit_chainhead SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1, hash"
        )
        seq, prev = cursor.fetchone()
        content = json.dumps({"seq": seq + 1, "document": document_id, "n": number}, sort_keys=True)
        salt = secrets.token_hex(16)  # the details' own salted digest, as the chain keeps it
        details = hashlib.sha256(salt.encode() + content.encode()).hexdigest()
        digest = hashlib.sha256(prev.encode() + details.encode()).hexdigest()
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, created_at, actor_label, action, object_type, "
            "object_id, object_label, after, request_id, prev_hash, hash, details_salt, "
            "details_digest, address_salt, address_digest) VALUES "
            f"({p}, {p}, 'system', 'registry.register_document', 'registry.document', {p}, "
            f"'', {p}, '', {p}, {p}, {p}, {p}, '', '')",
            [seq + 1, now, str(document_id), content, prev, digest, salt, details],
        )
        cursor.execute(f"UPDATE audit_chainhead SET hash = {p} WHERE id = 1", [digest])
        cursor.execute("COMMIT")

    return register


def _writer(args: tuple[str, str, list[int], float, Any, Any]) -> None:
    """One of the concurrent writers: waits for the others, then registers for
    `seconds` (what: "case", "document" or "raw") and reports how many it did."""
    what, username, case_ids, seconds, ready, counts = args
    import django

    django.setup()
    from kansli.org.models import User
    from kansli.registry.actions import do_register_case, do_register_document
    from kansli.registry.models import Case

    user = User.objects.get(username=username)
    found = Case.objects.filter(pk__in=case_ids).select_related("authority__municipality")
    cases = sorted(found, key=lambda case: case_ids.index(case.pk))  # in the order given
    day = datetime.date.today() - datetime.timedelta(days=1)
    raw = raw_statements(case_ids) if what == "raw" else None
    done = 0
    ready.wait()
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        if raw is not None:
            raw(done)
        elif what == "case":
            do_register_case(cases[0].authority, f"Samtidigt ärende {done}", actor=user)
        else:
            do_register_document(cases[done % len(cases)], "inkommen", day, f"Skrivelse {done}",
                                 counterpart="Anna Andersson", actor=user)  # fmt: skip
        done += 1
    counts.put(done)


def concurrent(writers: int, seconds: float) -> float:
    """W processes registering at once for S seconds through the actions: new cases,
    then documents in 50 shared cases; what the lock holders were seen doing, the
    numbers checked for gaps and duplicates and the audit chain verified. Returns the
    documents' rate."""
    from kansli.audit.chain import verify
    from kansli.org.testing import make_authority
    from kansli.registry.models import Case, CaseCounter
    from kansli.registry.testing import make_case, make_registrar

    authority = make_authority("BUN", "Barn- och utbildningsnämnden")
    user = make_registrar(authority, "bun-registrator")
    cases = [make_case(f"Delat ärende {n}", authority=authority).pk for n in range(50)]
    print(f"  {writers} processes at once, {seconds:.0f} s each (load {_load()})")
    rates = {}
    for what in ("case", "document"):
        done, elapsed, waits = _run(what, writers, seconds, user.username, cases)
        rates[what] = done / elapsed
        row(f"{writers} processes, do_register_{what}", f"{rates[what]:,.0f} reg/s")
        print(f"    lock holders: {waits}")
    gaps = 0
    for case in Case.objects.filter(authority=authority):
        numbers = sorted(case.documents.values_list("number", flat=True))
        gaps += numbers != list(range(1, case.last_document_number + 1))
    for counter in CaseCounter.objects.filter(authority=authority):
        numbers = sorted(Case.objects.filter(authority=authority, year=counter.year)
                         .values_list("number", flat=True))  # fmt: skip
        gaps += numbers != list(range(1, counter.last_number + 1))
    row("numbers per case and series 1..N, no gaps/dups", "yes" if not gaps else f"NO ({gaps})")
    checked = verify()
    row("audit chain verifies", f"yes ({checked.checked:,} events)" if checked.ok else "NO")
    return rates["document"]


def concurrent_raw(writers: int, seconds: float) -> float:
    """The raw baseline with W processes: the document registration's rows as raw SQL
    (`raw_statements`) in 50 shared cases, as many writers at once."""
    from kansli.registry.models import Case

    cases = list(Case.objects.filter(authority__code="BUN").values_list("pk", flat=True))
    done, elapsed, waits = _run("raw", writers, seconds, "bun-registrator", cases)
    row(f"{writers} processes, raw SQL, same rows", f"{done / elapsed:,.0f} reg/s")
    print(f"    lock holders: {waits} (load {_load()})")
    return done / elapsed


def _run(what: str, writers: int, seconds: float, username: str,
         cases: list[int]) -> tuple[int, float, str]:  # fmt: skip
    """Start the writers, let them go at once; (registrations, seconds, wait events)."""
    from django.db import connection

    connection.close()  # not inherited by the writers
    context = multiprocessing.get_context("spawn")
    ready, counts = context.Barrier(writers + 1), context.Queue()
    # Each writer goes through the cases from a place of its own: registrars at work
    # seldom register in the same case at the same moment (all from the first case, the
    # writers would queue for each case's row in turn).
    starts = [n * len(cases) // writers for n in range(writers)]
    processes = [
        context.Process(
            target=_writer,
            args=((what, username, cases[start:] + cases[:start], seconds, ready, counts),),
        )
        for start in starts
    ]
    for process in processes:
        process.start()
    ready.wait()
    started = time.perf_counter()
    waits = _sample_waits(seconds)
    done = sum(counts.get() for _ in processes)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    return done, elapsed, waits


def _sample_waits(seconds: float) -> str:
    """What the connections holding the locks others wait for are doing, sampled every
    10 ms from pg_stat_activity while the writers run (share of samples): waiting for
    their client's next statement, for the commit's WAL flush, running a statement, or
    queueing for another lock themselves."""
    import psycopg
    from django.db import connection

    seen: dict[str, int] = {}
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as sampler:
        until = time.perf_counter() + seconds * 0.9
        while time.perf_counter() < until:
            for (what,) in sampler.execute(
                "SELECT CASE WHEN h.state = 'idle in transaction' THEN 'client' "
                "WHEN h.wait_event IS NULL THEN 'running' "
                "ELSE h.wait_event_type || ':' || h.wait_event END "
                "FROM pg_stat_activity h WHERE h.pid IN (SELECT unnest(pg_blocking_pids(w.pid)) "
                "FROM pg_stat_activity w WHERE w.datname = current_database() "
                "AND w.wait_event_type = 'Lock')"
            ):
                seen[what] = seen.get(what, 0) + 1
            time.sleep(0.01)
    total = sum(seen.values()) or 1
    shares = sorted(seen.items(), key=lambda item: -item[1])
    return ", ".join(f"{what} {count / total:.0%}" for what, count in shares[:5])


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


if __name__ == "__main__":
    main()
