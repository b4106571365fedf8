"""Search latency on a generated registry: `kansli.search.query.search(user, ...)` beside
the bare full-text query doing the same matching (the raw-SQL baseline).

    .venv/bin/python bench/search.py                       # 1,000,000 documents
    .venv/bin/python bench/search.py --documents 100000    # a quick run
    .venv/bin/python bench/search.py --keep /tmp/kansli-search-1m   # keep it and reuse it

The registry is generated FAST, not through the actions: the organisation (municipal-
ities, authorities, units, staff and their roles) is made through the org actions, but
cases, parties, documents and their index rows are INSERTed in bulk through the DB-API
cursor in one transaction, with the index rows composed by the same functions that
`index_document` uses (kansli.search.text). No timeline entries or audit events are
written for them: what is measured is the search, not registration. The vocabulary is
Swedish municipal work with Zipf-like weights (some words are in a large part of all
documents, many in a handful), two municipalities, nine authorities, eight years.

Each query of the mix runs --runs times (after one warm-up run) three ways: through
search() as a staff user (so the access filter applies); the SQL statements that
search() ran, replayed through the driver's cursor (the database's share); and the bare
query through the cursor: `SELECT rowid FROM search_document WHERE <the same full-text
condition> ORDER BY rowid DESC LIMIT 51`, without access filter, registry filters or
reading the hits. Runs on SQLite; with KANSLI_DATABASE_URL on that PostgreSQL database
instead (give it an empty scratch database). See bench/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import bisect
import datetime
import hashlib
import heapq
import io
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import describe

# Raise when the generated registry changes, so that kept copies are made again.
GENERATOR_VERSION = 3
START_YEAR = 2019
END = datetime.datetime(2026, 11, 20, 16, 0, tzinfo=datetime.UTC)
BATCH = 20_000

# --- Vocabulary ------------------------------------------------------------------------
# Each list is in falling frequency; choices are weighted 1/rank (Zipf).


def words(text: str) -> list[str]:
    return text.split()


def phrases(text: str) -> list[str]:
    return text.split("|")


FIRST_NAMES = words(
    "Anna Lars Maria Karl Eva Erik Karin Anders Kristina Per Lena Johan Sara Mikael "
    "Ingrid Peter Emma Hans Marie Jan Elin Magnus Ida Fredrik Linnea Daniel Sofia Mats "
    "Hanna Björn Elsa Gustav Astrid Oskar Maja Nils Ebba Sven Klara Olle Saga Åke Tove "
    "Göran Alva Leif Ines Bo Märta Ulf Agnes Stig Signe Rune Greta Tage Wilma Yusuf Amira"
)
LAST_NAMES = words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
    "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
    "Magnusson Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg "
    "Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg "
    "Sjöberg Ali Wallin Mohammed Engström Eklund Danielsson Lundin Håkansson Björk "
    "Bergman Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström "
    "Holmberg Arvidsson Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson "
    "Lundström Ahmed Viklund Björklund Eliasson Pålsson Hassan Berggren Sandström Lund "
    "Nordin Ström Åberg Hermansson Ekström Holmgren Sundberg Hedlund Dahlberg Hellström "
    "Sjögren Abrahamsson Falk Öberg Andreasson Blom Månsson Ek Martinsson Strand Åkesson "
    "Sundström Jonasson Hallberg Nordqvist Borg Lindholm Ekman Wester Qvarnström "
    "Zetterlund"
)
PLACES = words(
    "Centrum Ekbacken Solhem Björkdalen Granlunda Tallbacken Norrmalm Söderby Västra "
    "Östra Lillängen Storängen Kvarnbacken Ängsvik Sjöstaden Bergsjön Hagaby Lindvreten "
    "Rosendal Skogsbo Ekeby Källviken Furulund Åsen Backa Hammarby Nyby Kyrkbyn Strandvik "
    "Mossen Hästhagen Lövsta Kungsgärdet Tranbäcken Videdal Aspudden Ormberget Gläntan "
    "Bäckby Sörgården Fiskartorpet Klockarbacken Prästgården Smedjan Tegelbruket Varvet "
    "Stationen Hamnen Malmen Kronoparken Lerkroken Stenhagen Myrbacka Rävsnäs Örnäs "
    "Ugglum Kattvik Trollskogen Vargödalen Björnsäter Älgvik Tjäderberget Orrmossen "
    "Harstigen Ljungheden Hjortvik Sälgbacken Rönnliden Hasselbo Enebyberg Idbäcken "
    "Vallmon Blåklinten"
)
THINGS = phrases(
    "parkbänkar|belysning|cykelväg|lekplats|farthinder|hundrastgård|utegym|badplats|"
    "papperskorgar|gatubelysning|busshållplats|återvinningsstation|skatepark|laddstolpar|"
    "grillplats|elljusspår|julgran|blomsterlådor|offentlig|toalett|vattenlek|fontän|"
    "sittplatser|väderskydd|pulkabacke|konstgräsplan|odlingslotter|fågelholkar|bikupor|"
    "solceller|vindskydd|kanotbrygga"
)
BUILDINGS = phrases(
    "nybyggnad av enbostadshus|tillbyggnad av enbostadshus|nybyggnad av garage|"
    "nybyggnad av komplementbyggnad|fasadändring|uppförande av carport|"
    "nybyggnad av fritidshus|ändrad användning|installation av eldstad|"
    "rivning av byggnad|uppsättning av skylt|nybyggnad av flerbostadshus|"
    "tillbyggnad med uterum|nybyggnad av transformatorstation|uppförande av mur|"
    "nybyggnad av industribyggnad|uppförande av vindkraftverk|nybyggnad av förskola|"
    "nybyggnad av parkeringshus"
)
SCHOOLS = [f"{place}skolan" for place in PLACES[:24]]
COMPANIES = [
    f"{name} {kind}"
    for name, kind in itertools.product(
        LAST_NAMES[:30], ["Bygg AB", "Fastigheter AB", "Konsult AB", "Entreprenad AB"]
    )
]
REMISSES = phrases(
    "regional utvecklingsstrategi|länstransportplan|vattenförsörjningsplan|avfallsplan|"
    "klimatstrategi|trafikstrategi|bostadsförsörjningsprogram|"
    "förslag till ny lag om kommunala befogenheter|betänkande om tillitsbaserad styrning"
)

# Case titles per authority: (weight, template). {place}, {thing}, {building},
# {school}, {year}, {remiss} are filled from the lists above.
TITLES: dict[str, list[tuple[int, str]]] = {
    "KS": [
        (30, "Begäran om utlämnande av allmän handling"),
        (12, "Medborgarförslag om {thing} i {place}"),
        (8, "Yttrande över remiss om {remiss}"),
        (6, "Upphandling av {thing}"),
        (5, "Synpunkter på {thing} i {place}"),
        (3, "Delårsrapport {year}"),
        (2, "Avtal om markanvisning i {place}"),
        (2, "Överklagande av beslut om {thing}"),
    ],
    "KF": [
        (5, "Motion om {thing} i {place}"),
        (3, "Interpellation om {thing}"),
        (2, "Budget {year}"),
        (1, "Val av revisorer {year}"),
    ],
    "BUN": [
        (30, "Ansökan om skolskjuts"),
        (25, "Ansökan om plats i förskola"),
        (10, "Anmälan om kränkande behandling vid {school}"),
        (6, "Ansökan om skolbyte till {school}"),
        (5, "Ansökan om modersmålsundervisning"),
        (4, "Tilläggsbelopp för elev vid {school}"),
        (2, "Klagomål på skollunch vid {school}"),
    ],
    "SN": [
        (30, "Ansökan om ekonomiskt bistånd"),
        (15, "Ansökan om färdtjänst"),
        (12, "Ansökan om bostadsanpassning"),
        (8, "Ansökan om serveringstillstånd"),
        (5, "Lex Sarah-rapport"),
        (3, "Ansökan om hemtjänst"),
    ],
    "MBN": [
        (40, "Ansökan om bygglov för {building} på fastigheten {place} {n}:{m}"),
        (12, "Anmälan om {building} på fastigheten {place} {n}:{m}"),
        (6, "Strandskyddsdispens för {building} på fastigheten {place} {n}:{m}"),
        (5, "Förhandsbesked för {building} på fastigheten {place} {n}:{m}"),
        (5, "Klagomål på buller från verksamhet i {place}"),
        (4, "Tillsyn av livsmedelsanläggning i {place}"),
        (3, "Ovårdad tomt på fastigheten {place} {n}:{m}"),
        (2, "Detaljplan för {place}"),
    ],
    "TFN": [
        (20, "Ansökan om parkeringstillstånd för rörelsehindrade"),
        (8, "Medborgarförslag om farthinder i {place}"),
        (6, "Trafikanordningsplan för {place}"),
        (4, "Skadeanmälan gatubelysning i {place}"),
        (2, "Upphandling av vinterväghållning"),
    ],
    "KFN": [
        (12, "Ansökan om föreningsbidrag"),
        (5, "Ansökan om kulturstipendium"),
        (4, "Ansökan om evenemangsbidrag för {place}dagarna"),
        (2, "Ansökan om lokalbidrag"),
    ],
}
# Authorities (municipality index, code, name, kind, share of all cases).
AUTHORITIES = [
    (0, "KF", "Kommunfullmäktige", "kf", 1),
    (0, "KS", "Kommunstyrelsen", "ks", 14),
    (0, "BUN", "Barn- och utbildningsnämnden", "board", 22),
    (0, "SN", "Socialnämnden", "board", 18),
    (0, "MBN", "Miljö- och byggnämnden", "board", 24),
    (0, "TFN", "Teknik- och fritidsnämnden", "board", 8),
    (0, "KFN", "Kultur- och fritidsnämnden", "board", 4),
    (1, "GKS", "Kommunstyrelsen i Grannby", "ks", 4),
    (1, "GMBN", "Bygg- och miljönämnden i Grannby", "board", 5),
]
AUTHORITY_TITLES = {"GKS": "KS", "GMBN": "MBN"}
MUNICIPALITIES = ["Bänkeby kommun", "Grannby kommun"]

# Documents after the first: (weight, direction, description, document type).
FOLLOWING = [
    (20, "upprattad", "Tjänsteskrivelse", "Tjänsteskrivelse"),
    (18, "utgaende", "Beslut", "Beslut"),
    (12, "utgaende", "Mottagningsbekräftelse", "Brev"),
    (10, "inkommen", "Komplettering av ansökan", "Komplettering"),
    (9, "utgaende", "Begäran om komplettering", "Brev"),
    (8, "upprattad", "Delegationsbeslut", "Beslut"),
    (6, "inkommen", "Yttrande från {company}", "Yttrande"),
    (5, "upprattad", "Protokollsutdrag", "Protokollsutdrag"),
    (4, "pm", "Tjänsteanteckning", "Anteckning"),
    (3, "inkommen", "Överklagande av beslut", "Överklagande"),
    (2, "utgaende", "Underrättelse till grannar", "Brev"),
    (2, "inkommen", "Synpunkter från {person}", "Skrivelse"),
    (1, "upprattad", "Utredning", "Utredning"),
]


class Zipf:
    """Weighted choice with weight 1/rank**s over a list in falling frequency."""

    def __init__(self, items: Sequence[str], s: float = 1.0) -> None:
        self.items = list(items)
        weights = [1 / (rank**s) for rank in range(1, len(items) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect(self.cumulative, point)]


FIRST, LAST, PLACE = Zipf(FIRST_NAMES, 0.8), Zipf(LAST_NAMES, 0.9), Zipf(PLACES, 1.1)
THING, BUILDING, SCHOOL = Zipf(THINGS), Zipf(BUILDINGS, 0.9), Zipf(SCHOOLS)
COMPANY, REMISS = Zipf(COMPANIES, 0.7), Zipf(REMISSES)


def person(rng: random.Random) -> str:
    return f"{FIRST(rng)} {LAST(rng)}"


def fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(
        place=PLACE(rng), thing=THING(rng), building=BUILDING(rng), school=SCHOOL(rng),
        remiss=REMISS(rng), year=year, n=rng.randint(1, 40), m=rng.randint(1, 400),
        company=COMPANY(rng), person=person(rng),
    )  # fmt: skip


# --- The organisation, through the actions ---------------------------------------------


@dataclass
class Org:
    """What the generator and the query mix need of the organisation."""

    authorities: dict[str, Any]
    officers: dict[str, list[int]]
    units: dict[str, int]
    classifications: dict[str, list[int]]
    users: dict[str, Any] = field(default_factory=dict)


def organisation(rng: random.Random) -> Org:
    from kansli.org import actions
    from kansli.org.models import Role, Unit
    from kansli.registry.models import Classification

    municipalities = [actions.do_create_municipality(name, actor=None) for name in MUNICIPALITIES]
    org = Org({}, {}, {}, {})
    for index, code, name, kind, _share in AUTHORITIES:
        municipality = municipalities[index]
        authority = actions.do_create_authority(
            municipality, kind, code, name, valid_from=datetime.date(2010, 1, 1), actor=None
        )
        unit = actions.do_create_unit(
            municipality, Unit.Kind.ADMINISTRATION, f"{name}s förvaltning",
            authorities=[authority], valid_from=datetime.date(2010, 1, 1), actor=None,
        )  # fmt: skip
        org.authorities[code], org.units[code] = authority, unit.pk
        org.officers[code] = []
        for n in range(8):
            officer = actions.do_create_user(
                f"{code.lower()}-handlaggare-{n}", first_name=FIRST(rng),
                last_name=LAST(rng), actor=None,
            )  # fmt: skip
            actions.do_grant_role(
                officer, Role.OFFICER, authority=authority,
                valid_from=datetime.date(2010, 1, 1), actor=None,
            )  # fmt: skip
            org.officers[code].append(officer.pk)
        org.classifications[code] = [
            Classification.objects.create(authority=authority, code=f"{n}.1", title=title).pk
            for n, title in enumerate(["Styra", "Stödja", "Handlägga ärenden"], start=1)
        ]
    for label, code in [("staff", "KS"), ("neighbour", "GKS")]:
        user = actions.do_create_user(f"sokare-{label}", first_name="Sökare", actor=None)
        actions.do_grant_role(
            user, Role.OFFICER, authority=org.authorities[code],
            valid_from=datetime.date(2010, 1, 1), actor=None,
        )  # fmt: skip
        org.users[label] = user
    return org


# --- Cases and documents, in bulk --------------------------------------------------------


class Inserter:
    """Rows for one model's table, INSERTed in batches through the DB-API cursor. Columns
    the generator does not give take the field's default, prepared once."""

    def __init__(self, cursor: Any, model: Any, given: Sequence[str]) -> None:
        from django.db import connection

        self.cursor, self.given = cursor, list(given)
        self.rows: list[tuple[Any, ...]] = []
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.defaults = {
            name: f.get_db_prep_save(None if f.null else f.get_default(), connection)
            for name, f in fields.items()
            if name not in given and not f.primary_key
        }
        columns = [fields[name].column for name in [*self.given, *self.defaults]]
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(
            model._meta.db_table,
            ", ".join(connection.ops.quote_name(column) for column in columns),
            ", ".join("%s" for _column in columns),
        )
        self.tail = tuple(self.defaults.values())

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.tail)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.cursor.executemany(self.sql, self.rows)
            self.rows = []


class IndexInserter:
    """Index rows, composed as kansli.search.index composes them."""

    def __init__(self, cursor: Any, table: str, vendor: str) -> None:
        self.cursor = cursor
        self.rows: list[tuple[int, str, str]] = []
        self.terms: set[str] = set()
        values = "(%s, %s, %s)"
        if vendor == "postgresql":
            values = "(%s, to_tsvector('swedish', %s), to_tsvector('simple', %s))"
        self.sql = f"INSERT INTO {table} (rowid, body, facets) VALUES {values}"

    def add(self, rowid: int, body: str, facets: str) -> None:
        self.rows.append((rowid, body, facets))
        self.terms.update(body.split())
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.cursor.executemany(self.sql, self.rows)
            self.rows = []


@dataclass
class CaseData:
    """A generated case, kept while its documents are being generated: `parts` and
    `facets` are its share of each document's index row."""

    pk: int
    code: str
    year: int
    number: int
    title: str
    classification: int
    facets: list[str]
    documents: int
    counterpart: str
    parts: list[str] = field(default_factory=list)
    public_parts: list[str] = field(default_factory=list)


def stamp(moment: datetime.datetime, vendor: str) -> Any:
    """A time as Django stores it: naive UTC text on SQLite, aware on PostgreSQL."""
    if vendor == "sqlite":
        return moment.replace(tzinfo=None).isoformat(" ")
    return moment


def generate(documents: int, org: Org, rng: random.Random) -> tuple[int, int]:
    """Cases opened evenly from START_YEAR to END, each with its documents registered
    over the weeks after; document ids follow registration time. Returns the counts."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from kansli.registry.models import Case, CaseCounter, Document, Party
    from kansli.search import text
    from kansli.search.index import remember_terms

    vendor = connection.vendor
    n_cases = documents * 10 // 36  # about 3.7 documents per case, and a margin
    start = datetime.datetime(START_YEAR, 1, 2, 8, tzinfo=datetime.UTC)
    step = (END - datetime.timedelta(days=60) - start) / n_cases
    codes = [a[1] for a in AUTHORITIES]
    shares = list(itertools.accumulate(a[4] for a in AUTHORITIES))
    counters: dict[tuple[str, int], int] = {}
    pending: list[tuple[datetime.datetime, int, int]] = []  # (time, case pk, number)
    open_cases: dict[int, CaseData] = {}
    document_pk = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
        cases = Inserter(cursor, Case, CASE_COLUMNS)
        parties = Inserter(cursor, Party, ["case_id", "name", "role", "protected_identity"])
        docs = Inserter(cursor, Document, DOCUMENT_COLUMNS)
        entries = IndexInserter(cursor, "search_document", vendor)
        case_entries = IndexInserter(cursor, "search_case", vendor)
        public = IndexInserter(cursor, "search_public", vendor)

        def emit_until(moment: datetime.datetime) -> None:
            nonlocal document_pk
            while pending and pending[0][0] <= moment and document_pk < documents:
                at, case_pk, number = heapq.heappop(pending)
                case = open_cases[case_pk]
                document_pk += 1
                direction, description, kind, counterpart = document_values(case, number, rng)
                day = (at - datetime.timedelta(days=rng.choice([0, 0, 1, 2, 3]))).date()
                docs.add(document_pk, case_pk, number, direction, day, stamp(at, vendor),
                         counterpart, description, kind, "")  # fmt: skip
                words = text.document_words(description, counterpart, kind)
                body = text.normalise([*case.parts, *words])
                facets = " ".join(text.document_facets(case.facets, direction, day, kind))
                entries.add(document_pk, body, facets)
                # The public e-diary's row: no party names (the generated ones are
                # private persons, left out there by default).
                public.add(document_pk, text.normalise([*case.public_parts, *words]), facets)
                if number == case.documents:
                    del open_cases[case_pk]

        for case_pk in range(1, n_cases + 1):
            opened = start + step * case_pk + datetime.timedelta(minutes=rng.randint(0, 600))
            emit_until(opened)
            if document_pk >= documents:
                break
            code = codes[bisect.bisect(shares, rng.random() * shares[-1])]
            case = new_case(case_pk, code, opened, org, counters, rng)
            cases.add(*case_row(case, code, opened, org, rng, vendor))
            indexed = []
            for name, protected in case_parties(case, rng):
                parties.add(case_pk, name, "sökande", protected)
                if not protected:  # protected identities are never indexed (index.py)
                    indexed.append(name)
            case.parts = text.case_words(
                f"{code} {case.year}/{case.number}", code, case.year, case.number, case.title,
                indexed,
            )  # fmt: skip
            case.public_parts = text.case_words(
                f"{code} {case.year}/{case.number}", code, case.year, case.number, case.title, []
            )
            # A few of the newest cases have no document yet: found by their own row.
            if opened > END - datetime.timedelta(days=75) and rng.random() < 0.05:
                case_entries.add(case_pk, text.normalise(case.parts), " ".join(case.facets))
                continue
            open_cases[case_pk] = case
            at = opened
            for number in range(1, case.documents + 1):
                heapq.heappush(pending, (at, case_pk, number))
                at += datetime.timedelta(hours=rng.expovariate(1 / 200))
        emit_until(END + datetime.timedelta(days=3650))
        for inserter in (cases, parties, docs, entries, case_entries, public):
            inserter.flush()
        if vendor == "sqlite":
            remember_terms(entries.terms | case_entries.terms)
        # Ids were given: let the sequences (PostgreSQL) continue after them.
        for statement in connection.ops.sequence_reset_sql(no_style(), [Case, Document, Party]):
            cursor.execute(statement)
        for (code, year), last in counters.items():
            CaseCounter.objects.create(authority=org.authorities[code], year=year, last_number=last)
    return case_pk, document_pk


CASE_COLUMNS = ["id", "authority_id", "year", "number", "title", "classification_id",
                "unit_id", "officer_id", "status", "opened_at", "closed_at",
                "last_document_number", "void_reason"]  # fmt: skip
DOCUMENT_COLUMNS = ["id", "case_id", "number", "direction", "document_date", "registered_at",
                    "counterpart", "description", "document_type", "void_reason"]  # fmt: skip


def new_case(
    pk: int,
    code: str,
    opened: datetime.datetime,
    org: Org,
    counters: dict[tuple[str, int], int],
    rng: random.Random,
) -> CaseData:
    from kansli.search import text

    year = opened.year
    counters[code, year] = number = counters.get((code, year), 0) + 1
    templates = TITLES[AUTHORITY_TITLES.get(code, code)]
    weights = [weight for weight, _template in templates]
    title = fill(rng.choices([t for _w, t in templates], weights)[0], rng, year)
    applicant = COMPANY(rng) if rng.random() < 0.25 else person(rng)
    classification = rng.choice(org.classifications[code])
    documents = min(1 + int(rng.expovariate(1 / 3.2)), 60)
    facets = text.case_facets(
        org.authorities[code].pk, year, number, classification, org.units[code]
    )
    return CaseData(pk, code, year, number, title, classification, facets, documents, applicant)


def case_row(
    case: CaseData, code: str, opened: datetime.datetime, org: Org, rng: random.Random,
    vendor: str,
) -> tuple[Any, ...]:  # fmt: skip
    age = (END - opened).days
    status = "avslutat" if age > 200 or rng.random() < age / 250 else "under_handlaggning"
    closed = stamp(opened + datetime.timedelta(days=rng.randint(20, 190)), vendor)
    return (
        case.pk, org.authorities[code].pk, case.year, case.number, case.title,
        case.classification, org.units[code],
        rng.choice(org.officers[code]), status, stamp(opened, vendor),
        closed if status == "avslutat" else None, case.documents, "",
    )  # fmt: skip


def case_parties(case: CaseData, rng: random.Random) -> Iterator[tuple[str, bool]]:
    """The case's parties: its applicant (now and then with protected identity) and
    sometimes one more person."""
    yield case.counterpart, rng.random() < 0.01
    if rng.random() < 0.2:
        yield person(rng), False


def document_values(case: CaseData, number: int, rng: random.Random) -> tuple[str, ...]:
    """direction, description, document type and counterpart of a case's document."""
    if number == 1:
        first = case.title.split(" om ")[0].split(" för ")[0]
        return "inkommen", first if len(first) < 40 else "Skrivelse", "Skrivelse", case.counterpart
    weights = [w for w, *_rest in FOLLOWING]
    _w, direction, description, kind = rng.choices(FOLLOWING, weights)[0]
    description = fill(description, rng, case.year)
    counterpart = case.counterpart if direction in ("inkommen", "utgaende") else ""
    return direction, description, kind, counterpart


def finish_index(optimize: bool) -> None:
    """What an installation does now and then (`kansli search optimize`, nightly):
    merge the FTS5 index's segments into one b-tree and gather planner statistics.
    Without `optimize` the segments stay as the bulk load left them (FTS5 merges some
    as it goes; every segment left is one more lookup per word of a query)."""
    from django.core.management import call_command
    from django.db import connection

    if optimize:
        call_command("search", "optimize", verbosity=0, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Set-up: a data directory of its own, reused with --keep ---------------------------


def prepare(options: argparse.Namespace) -> tuple[Path, bool]:
    """Point Kansli at the data directory (a temporary one, or --keep PATH), start
    Django and migrate. Returns the directory and whether its registry can be reused."""
    if options.keep:
        data_dir = Path(options.keep).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="kansli-search-bench-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["KANSLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
    marker = data_dir / "bench-search.json"
    wanted = fingerprint(options)
    reuse = marker.exists() and json.loads(marker.read_text()) == wanted
    if not reuse and "KANSLI_DATABASE_URL" not in os.environ:
        for path in data_dir.glob("kansli.sqlite3*"):
            path.unlink()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if not reuse:
        marker.unlink(missing_ok=True)
    print(f"  data in {data_dir}" + (" (reused)" if reuse else ""), file=sys.stderr)
    return data_dir, reuse


def build(options: argparse.Namespace) -> Org:
    """Generate the registry, or find the one generated before."""
    data_dir, reuse = prepare(options)
    rng = random.Random(options.seed)
    if reuse:
        return find_organisation()

    started = time.perf_counter()
    org = organisation(rng)
    n_cases, n_documents = generate(options.documents, org, rng)
    generated = time.perf_counter() - started
    finish_index(not options.no_optimize)
    optimized = time.perf_counter() - started - generated
    print(f"  generated {n_documents:,} documents in {n_cases:,} cases in {generated:.0f} s; "
          f"index optimize and ANALYZE {optimized:.0f} s")  # fmt: skip
    (data_dir / "bench-search.json").write_text(json.dumps(fingerprint(options)))
    return org


def fingerprint(options: argparse.Namespace) -> dict[str, Any]:
    """What a kept registry was made from: reused only if this is unchanged (the index
    design included, so a changed schema regenerates it)."""
    from kansli.search import schema, text

    source = Path(schema.__file__).read_bytes() + Path(text.__file__).read_bytes()
    return {
        "documents": options.documents,
        "seed": options.seed,
        "optimized": not options.no_optimize,
        "generator": GENERATOR_VERSION,
        "index": hashlib.sha256(source).hexdigest(),
    }


def find_organisation() -> Org:
    from kansli.org.models import Authority, Role, User
    from kansli.registry.models import Classification

    org = Org({}, {}, {}, {})
    for authority in Authority.objects.all():
        code = authority.code
        org.authorities[code] = authority
        org.officers[code] = list(
            User.objects.filter(roles__authority=authority, roles__role=Role.OFFICER)
            .exclude(username__startswith="sokare")
            .values_list("pk", flat=True)
        )
        org.units[code] = authority.units.values_list("pk", flat=True)[0]
        org.classifications[code] = list(
            Classification.objects.filter(authority=authority).values_list("pk", flat=True)
        )
    org.users = {
        "staff": User.objects.get(username="sokare-staff"),
        "neighbour": User.objects.get(username="sokare-neighbour"),
    }
    return org


# --- The query mix -----------------------------------------------------------------------


@dataclass
class Query:
    kind: str
    text: str
    filters: dict[str, Any] = field(default_factory=dict)
    user: str = "staff"
    # search()'s other arguments (the count, the order), not in the bare query.
    options: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        shown = f'"{self.text}"' if self.text else "(no text)"
        extra = " ".join(f"{k}={v}" for k, v in {**self.filters, **self.options}.items())
        who = "" if self.user == "staff" else f" as {self.user}"
        return f"{shown} {extra}{who}".strip()


def query_mix(org: Org, rng: random.Random) -> list[Query]:
    from kansli.registry.models import Case

    a = {code: authority.pk for code, authority in org.authorities.items()}
    old = START_YEAR + 1
    numbers = []
    for code, pad in [("KS", False), ("MBN", True), ("BUN", False), ("SN", False)]:
        year = rng.randint(START_YEAR, 2026)
        case = Case.objects.filter(authority_id=a[code], year=year).order_by("?").first()
        assert case is not None
        number = f"{case.number:04d}" if pad else str(case.number)
        numbers.append((code, year, number))
    (ks, ks_year, ks_n), (mbn, mbn_year, mbn_n), (bun, bun_year, bun_n), sn = numbers
    return [
        *[Query("common word", word) for word in ["ansökan", "beslut", "bygglov", "förskola"]],
        *[
            Query("rare word", word)
            for word in ["vargödalen", "qvarnström", "kanotbrygga", "xylofon"]
        ],
        Query("two words", "ansökan bygglov"),
        Query("two words", "beslut skolskjuts"),
        Query("two words", "bygglov ekbacken"),
        Query("two words", "skolskjuts bygglov"),  # both common, never together
        Query("two words", "komplettering strandskyddsdispens"),
        Query("phrase", '"ekonomiskt bistånd"'),
        Query("phrase", '"ansökan om bygglov" tillbyggnad'),
        *[Query("type-ahead", word) for word in ["byg", "försk", "lindqv", "ansökan om sko"]],
        Query("case number", f"{ks} {ks_year}/{ks_n}"),
        Query("case number", f"{mbn}-{mbn_year}-{mbn_n}"),
        Query("case number", f"{bun.lower()} {bun_year}/{bun_n}-1"),
        Query("case number", f"{sn[1]}/{sn[2]}"),
        Query("filter", "ansökan", {"authority": a["BUN"]}),
        Query("filter", "beslut", {"year": old}),
        Query("filter", "ansökan", {"authority": a["MBN"], "year": old}),
        Query("filter", "", {"authority": a["KFN"], "year": old}),
        Query(
            "filter",
            "beslut",
            {
                "direction": "utgaende",
                "date_from": datetime.date(old, 4, 1),
                "date_to": datetime.date(old, 6, 30),
            },
        ),
        Query("filter", "ansökan", {"status": "under_handlaggning"}),
        Query("filter", "beslut", {"officer": org.officers["SN"][3]}),
        Query("type, counterpart", "", {"document_type": "Yttrande", "authority": a["MBN"]}),
        Query("type, counterpart", "ansökan", {"document_type": "Skrivelse", "year": old}),
        Query("type, counterpart", "bygglov", {"counterpart": "Lindqvist", "year": old}),
        Query("type, counterpart", "", {"counterpart": "Anna Berg", "authority": a["SN"]}),
        *[Query("counted", word, options={"count_cap": 1000}) for word in ["beslut", "xylofon"]],
        Query(
            "counted", "ansökan", {"authority": a["MBN"], "year": old}, options={"count_cap": 1000}
        ),
        *[
            Query("best match first", words, options={"by_relevance": True})
            for words in ["beslut", "bygglov ekbacken", "vargödalen"]
        ],
        Query("other municipality", "ansökan", user="neighbour"),
        Query("other municipality", "beslut", user="neighbour"),
    ]


def baseline(query: Query) -> Callable[[], int]:
    """The bare full-text query of search(): same condition, ORDER BY and LIMIT, through
    the driver's cursor, without access filter, registry filters or reading the hits."""
    from django.db import connection

    from kansli.search.query import index_query

    sql, params = index_query(query.text, **query.filters)
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")

    def run() -> int:
        cursor.execute(sql, params)
        return len(cursor.fetchall())

    return run


def replayed(query: Query, org: Org) -> Callable[[], int]:
    """The SQL statements one search() runs, replayed through the driver's cursor: what
    the database itself spends on a search, without Django building the queries and
    the objects."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kansli.search.query import search

    with CaptureQueriesContext(connection) as captured:
        search(org.users[query.user], query.text, **query.filters, **query.options)
    statements = [entry["sql"] for entry in captured.captured_queries]
    cursor = connection.connection.cursor()

    def run() -> int:
        rows = 0
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
        return rows

    return run


def through_search(query: Query, org: Org) -> Callable[[], int]:
    from kansli.search.query import search

    user = org.users[query.user]

    def run() -> int:
        return len(search(user, query.text, **query.filters, **query.options).hits)

    return run


def timings(run: Callable[[], int], runs: int) -> tuple[list[float], int]:
    hits = run()  # warm-up
    seconds = []
    for _n in range(runs):
        started = time.perf_counter()
        run()
        seconds.append((time.perf_counter() - started) * 1000)
    return seconds, hits


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(queries: list[Query], org: Org, runs: int, verbose: bool) -> None:
    """Time every query three ways and print p50/p95 per query type and overall."""
    times: dict[str, tuple[list[float], list[float], list[float]]] = {}
    for query in queries:
        ours, hits = timings(through_search(query, org), runs)
        sql, _rows = timings(replayed(query, org), runs)
        bare, bare_hits = timings(baseline(query), runs)
        for kept, new in zip(
            times.setdefault(query.kind, ([], [], [])), (ours, sql, bare), strict=True
        ):
            kept.extend(new)
        if verbose:
            print(
                f"    {query.kind:<18} {query.label()[:44]:<44} {hits:>3} hits  p50 "
                f"{p(ours, 0.5):5.1f} ms  its SQL {p(sql, 0.5):5.1f} ms  "
                f"bare {p(bare, 0.5):5.1f} ms ({bare_hits})"
            )
    print(
        f"  {'':<20}{'search()':>16}{'its SQL':>16}{'bare FTS query':>18}{'search() /':>12}\n"
        f"  {'query type':<20}{'p50':>8}{'p95':>8}{'p50':>8}{'p95':>8}{'p50':>9}{'p95':>9}"
        f"{'bare, p95':>12}"
    )
    overall: tuple[list[float], list[float], list[float]] = ([], [], [])
    for kind, columns in [*times.items(), ("overall", overall)]:
        if kind != "overall":
            for kept, new in zip(overall, columns, strict=True):
                kept.extend(new)
        ours, sql, bare = columns
        figures = "".join(f"{p(c, 0.5):8.1f}{p(c, 0.95):8.1f}" for c in (ours, sql))
        figures += f"{p(bare, 0.5):9.1f}{p(bare, 0.95):9.1f}"
        ratio = p(ours, 0.95) / max(p(bare, 0.95), 0.01)
        print(f"  {kind:<20}{figures}{ratio:11.0f}×")
    print("  (milliseconds)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Search latency on a generated registry.")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="PATH", help="data directory to keep and reuse")
    parser.add_argument(
        "--no-optimize", action="store_true", help="leave the FTS5 segments unmerged"
    )
    parser.add_argument("--verbose", action="store_true", help="print every query")
    options = parser.parse_args()
    org = build(options)
    print(f"Search: {options.documents:,} documents, {options.runs} runs per query")
    print(f"  {describe()}")
    queries = query_mix(org, random.Random(options.seed))
    measure(queries, org, options.runs, options.verbose)


if __name__ == "__main__":
    main()
