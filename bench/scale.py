"""Ten million registrations on PostgreSQL (issue 18): a generator, and staff search, the
public e-diary and the case page under 32 connections.

    KANSLI_DATABASE_URL=postgresql://kansli:kansli@127.0.0.1/kansli_scale \\
        .venv/bin/python bench/scale.py --documents 1000000
    ... bench/scale.py --documents 10000000 --keep var/bench-scale   # keep the data dir too
    ... bench/scale.py --documents 1000000 --no-load                 # only generate

**The registry**: `--authorities` authorities (ten per municipality: five municipalities
at the default 50) with their units, officers, access groups and OSL provisions made
through the actions; then the cases, parties, documents and their three index rows
written with PostgreSQL's COPY in batches, the secondary indexes and foreign keys
dropped first and made again after the load (then VACUUM ANALYZE). The words are
bench/search.py's (Zipf-weighted Swedish municipal work, imported from it); about 6 % of
the documents are secrecy-marked (social services, schools, the chief guardian, a few
procurements), half of those authorities' cases are in their access group, 0.3 % of the
cases have a party with protected identity, private persons are marked as such. The
index rows are composed as kansli.search.index composes them: protected names replaced
in the staff row, the public row made of what the e-diary shows (withheld, protected and
private names replaced). A stamp in the database names what it was made from; the same
options reuse it (generating again needs an empty database).

**The load**: `kansli serve` (gunicorn, --workers, 127.0.0.1) with the public page cache
and the rate limit off, and wrk with bench/scale_load.lua at --connections on three mixes
of 200 URLs: staff search /sok/ as a signed-in officer (words, phrases, prefixes, case
numbers and every filter), the public e-diary /diarium/ (bench/public.py's mix) and the
case page /arenden/<id>/ of cases the officer may read; beside the raw baseline, a
static file from the same server. Requests/s and p50/p95/p99 from wrk's histogram; any
answer other than 200 is counted. First --one URLs of each mix run one at a time in this
process (the cost of a request without queueing); --leave-out FILTER drops the staff
searches that use a filter (e.g. who) from the mix.

PostgreSQL only: COPY, and the size. bench/search.py measures SQLite up to 1,000,000.
"""

from __future__ import annotations

import argparse
import atexit
import bisect
import datetime
import heapq
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import public as public_bench
import search as registry_bench
from common import describe
from search import (
    COMPANY,
    END,
    LAST,
    PLACE,
    START_YEAR,
    TITLES,
    CaseData,
    Org,
    case_row,
    document_values,
    fill,
    person,
)

GENERATOR_VERSION = 1
LUA = Path(__file__).with_name("scale_load.lua")
# What the stamp table is called: made by this script only, in its scratch database.
STAMP = "bench_scale_stamp"

# (name, code prefix, share of all cases)
MUNICIPALITIES = [
    ("Bänkeby kommun", "B", 40),
    ("Grannby kommun", "G", 25),
    ("Sjöby kommun", "S", 15),
    ("Norrby kommun", "N", 12),
    ("Västerby kommun", "V", 8),
]
# Each municipality's authorities: (code, name, kind, share of its cases).
BOARDS = [
    ("KF", "Kommunfullmäktige", "kf", 1),
    ("KS", "Kommunstyrelsen", "ks", 14),
    ("BUN", "Barn- och utbildningsnämnden", "board", 20),
    ("SN", "Socialnämnden", "board", 14),
    ("IFN", "Individ- och familjenämnden", "board", 6),
    ("MBN", "Miljö- och byggnämnden", "board", 22),
    ("TFN", "Teknik- och fritidsnämnden", "board", 8),
    ("KFN", "Kultur- och fritidsnämnden", "board", 4),
    ("OFN", "Överförmyndarnämnden", "board", 3),
    ("VN", "Valnämnden", "board", 1),
]
# Titles of the authorities search.py has none for.
MORE_TITLES: dict[str, list[tuple[int, str]]] = {
    "IFN": TITLES["SN"],
    "OFN": [
        (20, "Årsräkning {year} för ställföreträdarskap"),
        (10, "Ansökan om god man"),
        (5, "Anmälan om behov av förvaltare"),
        (3, "Samtycke till försäljning av fastigheten {place} {n}:{m}"),
    ],
    "VN": [
        (5, "Val till riksdag, region och kommun {year}"),
        (3, "Rekrytering av röstmottagare i {place}"),
        (2, "Vallokal i {place}"),
    ],
}
# Secrecy by kind of authority (OSL 2009:400): the provision, the share of documents
# marked with it and the share of cases put in the authority's access group.
SECRECY = {
    "SN": ("OSL 26 kap. 1 §", "Enskilds personliga förhållanden i socialtjänsten", 0.20, 0.5),
    "IFN": ("OSL 26 kap. 1 §", "Enskilds personliga förhållanden i socialtjänsten", 0.20, 0.5),
    "BUN": ("OSL 23 kap. 2 §", "Enskilds personliga förhållanden i förskola och skola", 0.05, 0.5),
    "OFN": ("OSL 32 kap. 4 §", "Enskilds personliga förhållanden hos överförmyndaren", 0.25, 0.5),
    "KS": ("OSL 19 kap. 3 §", "Myndighetens ekonomiska intresse vid upphandling", 0.01, 0.0),
}
PROTECTED_CASES = 0.003
OFFICERS = 4
SINCE = datetime.date(2010, 1, 1)


@dataclass
class Board:
    """One generated authority, as the generator needs it."""

    code: str
    kind: str  # its key in BOARDS
    pk: int
    provision: int | None
    group: int | None


@dataclass
class ScaleCase(CaseData):
    """A generated case with what the secrecy and the masks need."""

    private: bool = False  # the applicant is a private person
    protected: bool = False  # ... with protected identity
    group: int | None = None


# --- The organisation, through the actions ---------------------------------------------


def organisation(authorities: int, rng: random.Random) -> tuple[Org, dict[str, Board]]:
    from kansli.access.actions import do_add_member, do_create_access_group
    from kansli.access.models import AccessGroup
    from kansli.org import actions
    from kansli.org.models import Role, Unit
    from kansli.registry.actions import do_add_secrecy_provision
    from kansli.registry.models import Classification, SecrecyProvision

    provisions: dict[str, int] = {}
    for reference, title, _share, _grouped in SECRECY.values():
        if reference not in provisions:  # the installation's list has most of them
            found = SecrecyProvision.objects.filter(reference=reference).first()
            provisions[reference] = (
                found or do_add_secrecy_provision(reference, title, actor=None)
            ).pk
    org, boards = Org({}, {}, {}, {}), dict[str, Board]()
    per_municipality = len(BOARDS)
    for index in range(-(-authorities // per_municipality)):
        name, prefix, _share = MUNICIPALITIES[index % len(MUNICIPALITIES)]
        if index >= len(MUNICIPALITIES):
            name, prefix = f"{name} {index + 1}", f"{prefix}{index + 1}"
        municipality = actions.do_create_municipality(name, actor=None)
        for kind, board_name, authority_kind, _share in BOARDS[: authorities - len(boards)]:
            code = f"{prefix}{kind}"
            authority = actions.do_create_authority(
                municipality, authority_kind, code, f"{board_name}, {name}", valid_from=SINCE,
                actor=None,
            )  # fmt: skip
            unit = actions.do_create_unit(
                municipality, Unit.Kind.ADMINISTRATION, f"{board_name}s förvaltning, {name}",
                authorities=[authority], valid_from=SINCE, actor=None,
            )  # fmt: skip
            org.authorities[code], org.units[code], officers = authority, unit.pk, []
            for n in range(OFFICERS):
                officer = actions.do_create_user(
                    f"{code.lower()}-handlaggare-{n}", first_name=registry_bench.FIRST(rng),
                    last_name=LAST(rng), actor=None,
                )  # fmt: skip
                actions.do_grant_role(officer, Role.OFFICER, authority=authority,
                                      valid_from=SINCE, actor=None)  # fmt: skip
                officers.append(officer)
            org.officers[code] = [officer.pk for officer in officers]
            org.classifications[code] = [
                Classification.objects.create(authority=authority, code=f"{n}.1", title=title).pk
                for n, title in enumerate(["Styra", "Stödja", "Handlägga ärenden"], start=1)
            ]
            group = None
            if kind in SECRECY and SECRECY[kind][3]:
                group = do_create_access_group(authority, f"{board_name}, alla", actor=None)
                for officer in officers:
                    do_add_member(group, officer, valid_from=SINCE, actor=None)
            provision = provisions[SECRECY[kind][0]] if kind in SECRECY else None
            boards[code] = Board(code, kind, authority.pk, provision, group.pk if group else None)
    # The officer whose requests the load makes: social services in the first
    # municipality, in its access group, with an authenticator (two-factor, below).
    first = MUNICIPALITIES[0][1]
    staff = actions.do_create_user("skala-handlaggare", first_name="Skala", actor=None)
    actions.do_grant_role(staff, Role.OFFICER, authority=org.authorities[f"{first}SN"],
                          valid_from=SINCE, actor=None)  # fmt: skip
    group = AccessGroup.objects.get(authority=org.authorities[f"{first}SN"], unit=None)
    do_add_member(group, staff, valid_from=SINCE, actor=None)
    org.users["staff"] = staff
    return org, boards


def find_organisation() -> tuple[Org, dict[str, Board]]:
    """The organisation of a reused registry."""
    from kansli.access.models import AccessGroup
    from kansli.org.models import Authority, Role, User

    org, boards = Org({}, {}, {}, {}), dict[str, Board]()
    groups = dict(AccessGroup.objects.values_list("authority_id", "pk"))
    for authority in Authority.objects.all():
        code = authority.code
        org.authorities[code] = authority
        org.officers[code] = list(
            User.objects.filter(roles__authority=authority, roles__role=Role.OFFICER)
            .exclude(username="skala-handlaggare")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        kind = code[1:].lstrip("0123456789")  # after the municipality's prefix
        boards[code] = Board(code, kind, authority.pk, None, groups.get(authority.pk))
    org.users["staff"] = User.objects.get(username="skala-handlaggare")
    return org, boards


# --- Cases and documents, with COPY ----------------------------------------------------


class Copier(registry_bench.Inserter):
    """search.py's Inserter (the columns not given take the field's default), written
    with COPY FROM STDIN instead of INSERTs."""

    def __init__(self, cursor: Any, model: Any, given: list[str]) -> None:
        super().__init__(cursor, model, given)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        columns = ", ".join(fields[name].column for name in [*self.given, *self.defaults])
        self.sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        self.count = 0

    def add(self, *values: Any) -> None:
        self.count += 1
        super().add(*values)

    def flush(self) -> None:
        if self.rows:
            with self.cursor.copy(self.sql) as copy:
                for row in self.rows:
                    copy.write_row(row)
            self.rows = []


class TextCopier(Copier):
    """Index rows as text, into an unlogged staging table: COPY cannot call
    to_tsvector, so the vectors are made in one INSERT … SELECT after the load."""

    def __init__(self, cursor: Any, table: str) -> None:
        cursor.execute(
            f"CREATE UNLOGGED TABLE {staging(table)} (rowid bigint, body text, facets text)"
        )
        self.cursor, self.rows, self.count, self.tail = cursor, [], 0, ()
        self.sql = f"COPY {staging(table)} (rowid, body, facets) FROM STDIN"


def staging(table: str) -> str:
    return f"bench_scale_{table}"


LOADED = ["registry_case", "registry_party", "registry_document",
          "search_document", "search_case", "search_public"]  # fmt: skip


def drop_indexes(cursor: Any) -> list[str]:
    """Drop the loaded tables' foreign keys and secondary indexes (not the primary keys
    and unique constraints); returns the statements that make them again. Django's
    foreign keys are deferred: the organisation's pending checks run first."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [LOADED],
    )  # fmt: skip
    again = []
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [LOADED],
    )  # fmt: skip
    for name, definition in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')
        again.insert(0, definition)
    return again


PARTY_COLUMNS = ["case_id", "name", "role", "protected_identity", "identity_number"]
DOCUMENT_MORE = [
    "registered_by_id",
    "counterpart_is_private",
    "secrecy_id",
    "secrecy_marked_at",
    "secrecy_marked_by_id",
    "withhold_counterpart",
    "withhold_description",
]


def new_case(
    pk: int, board: Board, opened: datetime.datetime, org: Org,
    counters: dict[tuple[str, int], int], rng: random.Random,
) -> ScaleCase:  # fmt: skip
    from kansli.search import text

    year, code = opened.year, board.code
    counters[code, year] = number = counters.get((code, year), 0) + 1
    templates = MORE_TITLES.get(board.kind) or TITLES[board.kind]
    weights = [weight for weight, _template in templates]
    title = fill(rng.choices([t for _w, t in templates], weights)[0], rng, year)
    private = rng.random() >= 0.25
    applicant = person(rng) if private else COMPANY(rng)
    classification = rng.choice(org.classifications[code])
    documents = min(1 + int(rng.expovariate(1 / 3.2)), 60)
    facets = text.case_facets(board.pk, year, number, classification, org.units[code])
    grouped = board.group is not None and rng.random() < SECRECY[board.kind][3]
    return ScaleCase(
        pk, code, year, number, title, classification, facets, documents, applicant,
        private=private, protected=private and rng.random() < PROTECTED_CASES,
        group=board.group if grouped else None,
    )  # fmt: skip


def public_counterpart(case: ScaleCase, counterpart: str, withheld: str) -> str:
    """The sender or recipient as kansli.public.record.counterpart shows it (no
    DiaryPolicy: private names masked)."""
    from kansli.public import record

    if not counterpart:
        return ""
    if withheld:
        return withheld
    if counterpart == case.counterpart and case.protected:
        return record.PROTECTED
    if counterpart == case.counterpart and case.private:
        return record.PRIVATE
    return counterpart


def generate(documents: int, org: Org, boards: dict[str, Board], rng: random.Random) -> int:
    """Cases opened evenly from START_YEAR to END across the authorities by their
    shares, each with its documents registered over the weeks after (document ids in
    registration order), COPYed in batches. Returns the number of cases."""
    from django.core.management.color import no_style
    from django.db import connection

    from kansli.access.protected import Hide
    from kansli.public import record
    from kansli.registry.models import Case, CaseCounter, Document, Party
    from kansli.search import text

    cursor = connection.connection.cursor()
    cursor.execute("SET maintenance_work_mem = '1GB'")
    again = drop_indexes(cursor)
    n_cases = documents * 10 // 36
    start = datetime.datetime(START_YEAR, 1, 2, 8, tzinfo=datetime.UTC)
    step = (END - datetime.timedelta(days=60) - start) / n_cases
    weights = {prefix: share for _name, prefix, share in MUNICIPALITIES}
    shares_of = {kind: share for kind, _name, _kind, share in BOARDS}
    codes = list(boards)
    shares = list(itertools.accumulate(
        weights.get(code[: -len(boards[code].kind)], 5) * shares_of[boards[code].kind]
        for code in codes
    ))  # fmt: skip
    references = {b.provision: SECRECY[b.kind][0] for b in boards.values() if b.provision}
    counters: dict[tuple[str, int], int] = {}
    pending: list[tuple[datetime.datetime, int, int]] = []
    open_cases: dict[int, ScaleCase] = {}
    cases = Copier(cursor, Case, [*registry_bench.CASE_COLUMNS, "access_group_id"])
    parties = Copier(cursor, Party, PARTY_COLUMNS)
    docs = Copier(cursor, Document, [*registry_bench.DOCUMENT_COLUMNS, *DOCUMENT_MORE])
    entries, public, case_entries = (
        TextCopier(cursor, t) for t in ("search_document", "search_public", "search_case")
    )
    copiers = [cases, parties, docs, entries, public, case_entries]
    started = last = time.perf_counter()
    document_pk, secret = 0, 0

    def emit_until(moment: datetime.datetime) -> None:
        nonlocal document_pk, secret, last
        while pending and pending[0][0] <= moment and document_pk < documents:
            at, case_pk, number = heapq.heappop(pending)
            case = open_cases[case_pk]
            board = boards[case.code]
            document_pk += 1
            direction, description, kind, counterpart = document_values(case, number, rng)
            day = (at - datetime.timedelta(days=rng.choice([0, 0, 1, 2, 3]))).date()
            officer = rng.choice(org.officers[case.code])
            provision = None
            if board.provision and rng.random() < SECRECY[board.kind][2]:
                provision, secret = board.provision, secret + 1
            personal = provision is not None and counterpart == case.counterpart and case.private
            hide_description = provision is not None and rng.random() < 0.3
            docs.add(document_pk, case_pk, number, direction, day, at, counterpart, description,
                     kind, "", officer, counterpart == case.counterpart and case.private,
                     provision, at if provision else None, officer if provision else None,
                     personal, hide_description)  # fmt: skip
            words = text.document_words(description, counterpart, kind)
            body = text.normalise([*case.parts, *words])
            if case.protected:  # kansli.search.index._without_protected
                body = Hide([case.counterpart])(body)
            facets = " ".join(text.document_facets(case.facets, direction, day, kind))
            entries.add(document_pk, body, facets)
            withheld = record.WITHHELD.format(reference=references[provision] if provision else "")
            shown = [
                public_counterpart(case, counterpart, withheld if personal else ""),
                withheld if hide_description else description,
                kind,
            ]
            public.add(document_pk, text.normalise([*case.public_parts, *shown]), facets)
            if number == case.documents:
                del open_cases[case_pk]
            if document_pk % 100_000 == 0:
                now = time.perf_counter()
                rows = sum(c.count for c in copiers)
                print(f"  {document_pk:>12,} documents  {100_000 / (now - last):>8,.0f} "
                      f"documents/s  {rows / (now - started):>8,.0f} rows/s overall",
                      file=sys.stderr)  # fmt: skip
                last = now

    for case_pk in range(1, n_cases + 1):
        opened = start + step * case_pk + datetime.timedelta(minutes=rng.randint(0, 600))
        emit_until(opened)
        if document_pk >= documents:
            break
        board = boards[codes[bisect.bisect(shares, rng.random() * shares[-1])]]
        case = new_case(case_pk, board, opened, org, counters, rng)
        cases.add(*case_row(case, case.code, opened, org, rng, "postgresql"), case.group)
        number = f"19{rng.randint(40, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}-"
        parties.add(case_pk, case.counterpart, "sökande", case.protected,
                    f"{number}{rng.randint(0, 9999):04d}" if case.private else "")  # fmt: skip
        indexed = [] if case.protected else [case.counterpart]
        if rng.random() < 0.2:
            other = person(rng)
            parties.add(case_pk, other, "part", False, "")
            indexed.append(other)
        label = f"{case.code} {case.year}/{case.number}"
        case.parts = text.case_words(label, case.code, case.year, case.number, case.title,
                                     indexed)  # fmt: skip
        case.public_parts = text.case_words(
            label, case.code, case.year, case.number, record.scrub(case.title, no_masks()), []
        )
        if opened > END - datetime.timedelta(days=75) and rng.random() < 0.05:
            case_entries.add(case_pk, text.normalise(case.parts), " ".join(case.facets))
            continue
        open_cases[case_pk] = case
        at = opened
        for number_in_case in range(1, case.documents + 1):
            heapq.heappush(pending, (at, case_pk, number_in_case))
            at += datetime.timedelta(hours=rng.expovariate(1 / 200))
    emit_until(END + datetime.timedelta(days=3650))
    for copier in copiers:
        copier.flush()
    loaded = time.perf_counter() - started
    print(f"  COPY: {document_pk:,} documents, {case_pk:,} cases, "
          f"{sum(c.count for c in copiers):,} rows in {loaded:.0f} s "
          f"({document_pk / loaded:,.0f} documents/s); {secret / document_pk:.1%} "
          "secrecy-marked")  # fmt: skip
    for table in ("search_document", "search_public", "search_case"):
        cursor.execute(
            f"INSERT INTO {table} (rowid, body, facets) SELECT rowid, "
            f"to_tsvector('swedish', body), to_tsvector('simple', facets) FROM {staging(table)}"
        )
        cursor.execute(f"DROP TABLE {staging(table)}")
    vectors = time.perf_counter() - started - loaded
    for statement in again:
        cursor.execute(statement)
    built = time.perf_counter() - started - loaded - vectors
    print(f"  index rows to tsvector {vectors:.0f} s; indexes and foreign keys {built:.0f} s")
    for statement in connection.ops.sequence_reset_sql(no_style(), [Case, Document, Party]):
        cursor.execute(statement)
    CaseCounter.objects.bulk_create(
        CaseCounter(authority=org.authorities[code], year=year, last_number=last_number)
        for (code, year), last_number in counters.items()
    )
    return case_pk


def no_masks() -> Any:
    from kansli.public.record import Masks

    return Masks((), (), True)


# --- Set-up: the database must be PostgreSQL, reused while the stamp matches ----------


def stamp(options: argparse.Namespace) -> dict[str, Any]:
    return {
        "documents": options.documents,
        "authorities": options.authorities,
        "seed": options.seed,
        "generator": GENERATOR_VERSION,
        "index": registry_bench.fingerprint(
            argparse.Namespace(documents=0, seed=0, no_optimize=False)
        )["index"],
    }


def prepare(options: argparse.Namespace) -> tuple[Path, bool]:
    """The data directory (a temporary one or --keep), Django, migrations; whether the
    database holds the registry these options make."""
    if "KANSLI_DATABASE_URL" not in os.environ:
        raise SystemExit(
            "scale.py runs on PostgreSQL only (COPY; SQLite is measured up to 1,000,000 by "
            "bench/search.py): set KANSLI_DATABASE_URL to an empty scratch database"
        )
    if options.keep:
        data_dir = Path(options.keep).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="kansli-scale-bench-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["KANSLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {STAMP} (stamp text NOT NULL)")
        cursor.execute(f"SELECT stamp FROM {STAMP}")
        found = cursor.fetchone()
        cursor.execute("SELECT EXISTS (SELECT 1 FROM org_authority)")
        (used,) = cursor.fetchone()
    reuse = found is not None and json.loads(found[0]) == stamp(options)
    if used and not reuse:
        raise SystemExit(
            f"{connection.settings_dict['NAME']} holds another registry: drop it and create "
            "it again (dropdb/createdb) to generate this one"
        )
    print(f"  data in {data_dir}; {describe()}" + (" (reused)" if reuse else ""), file=sys.stderr)
    return data_dir, reuse


def build(options: argparse.Namespace) -> tuple[Org, dict[str, Board]]:
    from django.db import connection, transaction

    _data_dir, reuse = prepare(options)
    if reuse:
        return find_organisation()
    rng = random.Random(options.seed)
    started = time.perf_counter()
    with transaction.atomic():
        org, boards = organisation(options.authorities, rng)
        made = time.perf_counter() - started
        n_cases = generate(options.documents, org, boards, rng)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {STAMP} (stamp) VALUES (%s)", [json.dumps(stamp(options))])
    committed = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in LOADED:
            cursor.execute(f"VACUUM ANALYZE {table}")
        # Every table, the organisation's too: autovacuum never analyzes a table of
        # fewer than 50 changed rows (org_authority), and without its statistics the
        # planner took the access gate's join for selective and read every document of
        # the municipality for a rare word (4.5 s against 20 ms at 1,000,000).
        cursor.execute("ANALYZE")
    vacuumed = time.perf_counter() - started - committed
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        (size,) = cursor.fetchone()
    print(f"  generated {options.documents:,} documents in {n_cases:,} cases, "
          f"{len(boards)} authorities: organisation {made:.0f} s, all {committed:.0f} s, "
          f"VACUUM ANALYZE {vacuumed:.0f} s; database {size}")  # fmt: skip
    return org, boards


# --- The load ----------------------------------------------------------------------------

STAFF_WORDS = ["ansökan", "beslut", "bygglov", "förskola", "vargödalen", "qvarnström",
               "kanotbrygga", "xylofon", "ansökan bygglov", "beslut skolskjuts",
               "bygglov ekbacken", '"ekonomiskt bistånd"', '"ansökan om bygglov" tillbyggnad',
               "byg", "försk", "lindqv", "ansökan om sko", "", ""]  # fmt: skip


def staff_paths(org: Org, staff: Any, rng: random.Random, leave_out: list[str]) -> list[str]:
    """Staff searches: words and every filter of the search page (but those left out),
    over the officer's own municipality."""
    from kansli.registry.models import Case

    home = org.authorities[f"{MUNICIPALITIES[0][1]}SN"].municipality_id
    own = [a for a in org.authorities.values() if a.municipality_id == home]
    numbered = list(Case.objects.visible_to(staff).order_by("?").select_related("authority")[:20])
    found = []
    for n in range(200):
        query = {"q": rng.choice(STAFF_WORDS)}
        pick = n % 10
        if pick == 1:
            query["authority"] = str(rng.choice(own).pk)
        elif pick == 2:
            query["direction"] = rng.choice(["inkommen", "utgaende", "upprattad"])
        elif pick == 3:
            query["status"] = rng.choice(["under_handlaggning", "avslutat"])
        elif pick == 4:
            query["document_type"] = rng.choice(["Beslut", "Yttrande", "Skrivelse"])
        elif pick == 5:
            query["who"] = f"{registry_bench.FIRST(rng)} {LAST(rng)}"
        elif pick == 6:
            year = rng.randint(START_YEAR, 2025)
            query |= {"date_from": f"{year}-04-01", "date_to": f"{year}-06-30"}
        elif pick == 7:
            query["kind"] = "cases"
        elif pick == 8:
            query["order"] = "relevance"
            query["q"] = query["q"] or PLACE(rng).lower()
        elif pick == 9:
            case = numbered[n % len(numbered)]
            query["q"] = f"{case.authority.code} {case.year}/{case.number}"
        if not query["q"] and len(query) == 1:
            query["q"] = "beslut"
        if not set(leave_out) & set(query):
            found.append("/sok/?" + urllib.parse.urlencode(query))
    return found


def case_paths(boards: dict[str, Board], staff: Any) -> list[str]:
    """Pages of cases the officer may read: 180 of the municipality's at random and 20
    in the officer's access group (with secret documents)."""
    from kansli.registry.models import Case

    visible = Case.objects.visible_to(staff).order_by("?")
    group = boards[f"{MUNICIPALITIES[0][1]}SN"].group
    ids = list(visible.values_list("pk", flat=True)[:180])
    ids += list(visible.filter(access_group_id=group).values_list("pk", flat=True)[:20])
    return [f"/arenden/{pk}/" for pk in ids]


def session_cookie(staff: Any) -> str:
    """A session of the officer that has passed the second factor, made as the tests'
    helpers make one (kansli.web.testing: a confirmed authenticator, then the session
    marked with its device), without the login page."""
    from django.conf import settings
    from django.test import Client

    from kansli.web.testing import give_authenticator, mark_second_factor_passed

    give_authenticator(staff)
    client = Client()
    client.force_login(staff)
    mark_second_factor_passed(client, staff)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def check(url: str, paths: list[str], cookie: str) -> None:
    """The first paths of a mix answer 200 as the officer (not the login page). One
    slower than gunicorn's 30 s is left to wrk to count."""
    for path in paths[:3]:
        headers = {"Cookie": cookie} if cookie else {}
        request = urllib.request.Request(url + path, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                if answer.status != 200 or answer.url != url + path:
                    raise SystemExit(f"{path}: {answer.status} at {answer.url}")
        except TimeoutError:
            print(f"    ({path}: no answer in 60 s)")


def load(url: str, paths: list[str], cookie: str, connections: int, seconds: int) -> list[float]:
    """wrk on the mix; returns requests/s, errors, answers not 200, p50, p95, p99 (ms)."""
    folder = Path(tempfile.mkdtemp(prefix="kansli-wrk-"))
    try:
        (folder / "paths").write_text("\n".join(paths) + "\n")
        result = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
             "-s", str(LUA), url, "--", str(folder / "paths"), cookie],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    requests, errors, not_ok, p50, p95, p99, duration = (float(v) for v in line.split()[1:])
    return [requests / duration, errors, not_ok, p50, p95, p99]


def one_at_a_time(mixes: list[tuple[str, list[str], str]], requests: int) -> None:
    """The first `requests` URLs of each mix through Django's test client in this
    process, one after another (page cache off): what one request costs the server
    without the load's queueing."""
    from django.conf import settings
    from django.test import Client, override_settings

    print(f"  one request at a time, in process, {requests} URLs of each mix (ms)")
    print(f"    {'':<28}{'p50':>8}{'p95':>8}{'mean':>8}")
    with override_settings(PUBLIC_CACHE_SECONDS=0, PUBLIC_REQUESTS_PER_MINUTE=0):
        for name, paths, cookie in mixes:
            client = Client(HTTP_HOST="127.0.0.1")
            if cookie:
                client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
            for path in paths[:5]:  # warm-up
                client.get(path)
            times = []
            for path in paths[:requests]:
                started = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code}")
            p = registry_bench.p
            mean = sum(times) / len(times)
            print(f"    {name:<28}{p(times, 0.5):8.1f}{p(times, 0.95):8.1f}{mean:8.1f}")


def under_load(org: Org, boards: dict[str, Board], options: argparse.Namespace) -> None:
    from django.db import connections

    rng = random.Random(options.seed)
    staff = org.users["staff"]
    cookie = session_cookie(staff)
    mixes = [
        ("staff search /sok/", staff_paths(org, staff, rng, options.leave_out), cookie),
        ("public diary /diarium/", public_bench.paths(org, rng, api=False), ""),
        ("case page /arenden/<id>/", case_paths(boards, staff), cookie),
        ("baseline: a static file", [f"/static/kansli/kansli.css?{n}" for n in range(10)], ""),
    ]
    if options.one:
        one_at_a_time(mixes[:3], options.one)
    connections.close_all()
    data_dir = Path(os.environ["KANSLI_DATA_DIR"])
    print(f"  load: wrk, {options.connections} connections, {options.seconds} s each, "
          f"gunicorn with {options.workers} workers, page cache and rate limit off "
          f"(load average before: {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"    {'':<28}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}{'not 200':>8}")
    server, url = public_bench.serve(data_dir, options.workers, 0)
    try:
        for name, paths, given in mixes:
            check(url, paths, given)
            load(url, paths, given, options.connections, 3)  # warm-up
            rate, errors, not_ok, p50, p95, p99 = load(
                url, paths, given, options.connections, options.seconds
            )
            print(f"    {name:<28}{rate:8.0f}{p50:8.1f}{p95:8.1f}{p99:8.1f}"
                  f"{errors:8.0f}{not_ok:8.0f}")  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"  (ms; load average after: {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description="Ten million registrations on PostgreSQL.")
    parser.add_argument("--documents", type=int, default=10_000_000)
    parser.add_argument("--authorities", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="PATH", help="data directory to keep")
    parser.add_argument("--no-load", action="store_true", help="only generate")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--leave-out", action="append", default=[], metavar="FILTER",
        help="leave the staff searches with this filter (e.g. who) out of the mix",
    )  # fmt: skip
    parser.add_argument(
        "--one", type=int, default=40, metavar="N", help="N URLs of each mix one at a time first"
    )
    options = parser.parse_args()
    if not options.no_load and shutil.which("wrk") is None:
        raise SystemExit("needs wrk: apt-get install wrk")
    org, boards = build(options)
    print(f"Scale: {options.documents:,} documents, {len(boards)} authorities")
    if not options.no_load:
        under_load(org, boards, options)


if __name__ == "__main__":
    main()
