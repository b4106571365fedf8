"""Registrations per second through the registry's actions, beside a raw-SQL baseline
for the same work.

    .venv/bin/python bench/registry.py [--registrations N] [--writers W]

On SQLite (default): a registrar registers N incoming documents in existing cases with
`do_register_document` (permission, case row locked, document number, registration lag,
timeline, audit event, full-text row), then the same rows are written with raw SQL in
one transaction each (document counter, document row, timeline row, full-text row and
its words, hashed audit event and chain head): the limit of the database itself. On
PostgreSQL (KANSLI_DATABASE_URL) additionally W processes open cases at once with
`do_register_case`, and the case numbers are checked to come out 1..N without gaps or
duplicates.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import multiprocessing
import os
import secrets
import time
from typing import Any

from common import rate, row, setup


def main() -> None:
    parser = argparse.ArgumentParser(description="Registry registration rates.")
    parser.add_argument("--registrations", type=int, default=3000)
    parser.add_argument("--writers", type=int, default=16)
    options = parser.parse_args()
    where = setup()
    print(f"Registry: {options.registrations} registrations per measurement")
    print(f"  {where.database}")
    cases = prepare()
    actions_rate = through_actions(cases, options.registrations)
    raw_rate = raw_sql(cases, options.registrations)
    print(f"  actions / raw: {actions_rate / raw_rate:.2f}")
    from django.db import connection

    if connection.vendor == "postgresql":
        concurrent(options.writers, options.registrations)


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

    _seconds, per_second = rate(count, register)
    row("raw SQL, same rows", f"{per_second:,.0f} reg/s")
    return per_second


def _writer(args: tuple[str, int]) -> int:
    code, count = args
    import django

    django.setup()
    from kansli.org.models import Authority
    from kansli.registry.actions import do_register_case

    authority = Authority.objects.get(code=code)
    for n in range(count):
        do_register_case(authority, f"Samtidigt ärende {os.getpid()}-{n}", actor=None)
    return count


def concurrent(writers: int, total: int) -> None:
    from kansli.org.testing import make_authority
    from kansli.registry.models import Case

    authority = make_authority("BUN", "Barn- och utbildningsnämnden")
    each = max(1, total // writers)
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(writers) as pool:
        done = sum(pool.map(_writer, [("BUN", each)] * writers))
    seconds = time.perf_counter() - started
    numbers = sorted(Case.objects.filter(authority=authority).values_list("number", flat=True))
    gap_free = numbers == list(range(1, done + 1))
    row(f"{writers} processes, do_register_case", f"{done / seconds:,.0f} reg/s")
    row("case numbers 1..N, no gaps or duplicates", "yes" if gap_free else "NO")


if __name__ == "__main__":
    main()
