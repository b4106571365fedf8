"""`search(user, text, ...)`: the staff search over the registry, newest first.

How a search runs (the design the benchmark in bench/search.py measures):

1. The text is parsed (querylang.py): a case number in it becomes an exact condition
   on the case; the filters become conditions on the registry's columns and, where the
   index carries them, facet tokens in the full-text condition (filters.py).
2. One query over the index, newest first: the index rows whose rowid (= document id;
   ids grow with registration) match, that also pass an EXISTS over
   `Document.objects.visible_to(user)` with every filter on the registry's columns.
   The index is the outer loop and delivers its rows in rowid order, so the database
   stops after `offset + limit + 1` visible hits instead of collecting and sorting
   every hit of a common word; the access check and the filters cost one primary-key
   lookup per hit looked at, and nothing the user may not see is counted or shown.
3. The same for cases that have no document yet (the small `search_case` table),
   merged in by time. Then the page's hits are read as rows (DocumentHit, CaseHit: the
   few fields a result list shows, not model objects), again through visible_to, and
   masked for the user (protected identities, kansli.access.protected).

There is no total: a result says whether there are more (`has_more`), so that a list
can say "more than 50". Counting every hit of a common word is the slow part avoided.
"""

from __future__ import annotations

import dataclasses
import datetime
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet

from kansli.access.protected import NOTHING, hiders
from kansli.registry.casenumber import CaseNumberQuery
from kansli.registry.models import Case, Document
from kansli.rows import execute
from kansli.search import public
from kansli.search.completion import completed
from kansli.search.expressions import Matches, Relevance
from kansli.search.filters import Filters, Plan, plan
from kansli.search.models import CaseEntry, DocumentEntry, PublicEntry
from kansli.search.querylang import ParsedQuery, Term, parse_query

Hit = tuple[str, int]  # ("document" or "case", primary key)
# What the staff page and the API count up to on a search's first page (count_cap).
COUNT_CAP = 1000
# Sorting by relevance ranks the newest this many hits (see search()); listing cases
# each once gathers the cases of as many.
RELEVANCE_WINDOW = 1000
CASES_WINDOW = 1000


@dataclass(frozen=True, eq=False)
class CaseHit:
    """A case as a result list shows it, read as a row rather than a model object: its
    number, title and opening time, and the ids that masking protected identities asks
    (kansli.access.protected.hiders). Equal to the Case it shows, and hashed as it."""

    pk: int
    case_number: str
    title: str
    opened_at: datetime.datetime
    authority_id: int
    officer_id: int | None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (CaseHit, Case)):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


@dataclass(frozen=True, eq=False)
class DocumentHit:
    """A registered document as a result list shows it, read as a row: its number,
    description, sender or recipient, date, whether it is voided or secrecy-marked (a
    shown secret registration is logged, kansli.access.actions.do_log_reads), and its
    case. Equal to the Document it shows, and hashed as it."""

    pk: int
    document_number: str
    case: CaseHit
    description: str
    counterpart: str
    document_date: datetime.date
    is_voided: bool
    secrecy_id: int | None

    @property
    def case_id(self) -> int:
        return self.case.pk

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (DocumentHit, Document)):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


H = TypeVar("H")


@dataclass(frozen=True)
class SearchResult(Generic[H]):
    """One page of hits, newest first: for staff search() rows of Documents and of
    Cases that have no document yet (DocumentHit, CaseHit); for public_search()
    the documents' ids. `has_more`: there are hits after this page (the count is not computed)."""

    hits: list[H]
    has_more: bool
    offset: int = 0
    # How many hits there are, when asked (`count_cap`): exact up to the cap, cap + 1
    # meaning "more than the cap". Counted through the same gate as the hits.
    count: int | None = None


def search(
    user: Any,
    text: str,
    *,
    authority: Any = None,
    year: int | None = None,
    status: str | None = None,
    classification: Any = None,
    officer: Any = None,
    unit: Any = None,
    direction: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_voided: bool = True,
    document_type: str | None = None,
    counterpart: str | None = None,
    limit: int = 50,
    offset: int = 0,
    count_cap: int | None = None,
    by_relevance: bool = False,
    kind: str | None = None,
) -> SearchResult[DocumentHit | CaseHit]:
    """Search the registry as `user` sees it, newest first. Authority, classification,
    officer and unit are model instances or ids; `year` is the case's year, the dates
    the document's date; `counterpart` words of a sender, recipient or party (see
    filters.Filters). With `count_cap`, the hits are counted up to the cap (see
    SearchResult.count): one more query (two with cases) only when the page's query did
    not read every hit.

    `by_relevance` orders the hits by how well they match the words (bm25, ts_rank_cd)
    instead of newest first, among the newest RELEVANCE_WINDOW hits: ranking every hit
    of a common word would mean reading and scoring all of them, the cost the newest-
    first design avoids. Without words it is newest first.

    `kind`: "documents" leaves out cases that have no document yet; "cases" lists
    each case once, at its newest hit (a Case), among the newest CASES_WINDOW hits (the
    same bound: grouping every hit of a common word by case would read them all)."""
    if kind not in (None, "", "documents", "cases"):
        raise ValueError(f"no such kind of hit: {kind!r}")
    filters = Filters.of(
        authority, year, status, classification, officer, unit, direction, date_from,
        date_to, include_voided, document_type, counterpart,
    )  # fmt: skip
    query, wanted = _prepare(text, filters)
    if kind == "documents":
        wanted.cases = None
    end = offset + limit + 1
    if kind == "cases":
        documents, cases = _both(user, query, wanted, CASES_WINDOW)
        merged = _each_case_once(_newest_first(documents, cases))
        page = merged[offset:end]
        complete = len(documents) < CASES_WINDOW and len(cases) < CASES_WINDOW
        count = min(len(merged), count_cap + 1) if count_cap is not None and complete else None
        return SearchResult(_rows(user, page[:limit]), len(page) > limit, offset, count)
    ranked = by_relevance and bool(query.terms)
    window = RELEVANCE_WINDOW if ranked else end
    documents, cases = _both(user, query, wanted, window)
    if ranked:
        merged = _by_relevance(query.terms, documents, cases)
    else:
        merged = _newest_first(documents, cases)
    page = merged[offset:end]
    count = None
    if count_cap is not None:
        if len(documents) < window and len(cases) < window:  # every hit is in hand
            count = min(len(merged), count_cap + 1)
        else:
            count = _count(user, query, wanted, count_cap + 1)
    return SearchResult(_rows(user, page[:limit]), len(page) > limit, offset, count)


def _count(user: Any, query: ParsedQuery, wanted: Plan, cap: int) -> int:
    """How many hits there are, up to `cap`: through the same gate as the hits, in no
    order, so that the database stops at the cap without sorting or walking the index
    newest first (the page's query does that; a count taken that way cost as much as
    the rest of the search at 1M documents, bench/scale.py)."""
    documents = _entries(DocumentEntry, Document.objects.visible_to(user), query.terms,
                         wanted.documents, wanted.facets, wanted.document_ids)  # fmt: skip
    total = _up_to(documents, cap)
    if wanted.cases is not None and total < cap:
        cases = _entries(CaseEntry, Case.objects.visible_to(user), query.terms, wanted.cases,
                         wanted.case_facets)  # fmt: skip
        total += _up_to(cases, cap - total)
    return total


def _each_case_once(hits: list[Hit]) -> list[Hit]:
    """The hits' cases, each once, in the order of its first (newest) hit."""
    documents = [pk for kind, pk in hits if kind == "document"]
    case_of = dict(Document.objects.filter(pk__in=documents).values_list("pk", "case_id"))
    seen: dict[int, None] = {}
    for kind, pk in hits:
        seen.setdefault(pk if kind == "case" else case_of[pk])
    return [("case", pk) for pk in seen]


def _by_relevance(terms: Sequence[Term], documents: list[Hit], cases: list[Hit]) -> list[Hit]:
    """The hits (already through the gate) best match first, the newer first at equal
    scores: each index scores its own rows, over the rows at least as new as the oldest
    hit (FTS5 then reads only that end of each word's list)."""
    scores: dict[Hit, float] = {}
    for entry, hits in ((DocumentEntry, documents), (CaseEntry, cases)):
        if not hits:
            continue
        wanted = {pk for _kind, pk in hits}
        rows = (
            entry.objects.filter(Matches(terms, []), pk__gte=min(wanted))
            .annotate(score=Relevance(terms))
            .values_list("pk", "score")
        )
        kind = hits[0][0]
        scores |= {(kind, pk): score for pk, score in rows if pk in wanted}
    ordered = _newest_first(documents, cases)
    newness = {hit: index for index, hit in enumerate(ordered)}
    return sorted(ordered, key=lambda hit: (-scores.get(hit, 0.0), newness[hit]))


def _both(user: Any, query: ParsedQuery, wanted: Plan, end: int) -> tuple[list[Hit], list[Hit]]:
    """The newest `end` document hits and case hits (each list newest first)."""
    documents = _entries(DocumentEntry, Document.objects.visible_to(user), query.terms,
                         wanted.documents, wanted.facets, wanted.document_ids)  # fmt: skip
    cases: list[Hit] = []
    if wanted.cases is not None:
        entries = _entries(CaseEntry, Case.objects.visible_to(user), query.terms, wanted.cases,
                           wanted.case_facets)  # fmt: skip
        cases = _ids(entries, end)
    return _ids(documents, end), cases


def index_query(text: str, limit: int = 50, **filters: Any) -> tuple[str, Sequence[Any]]:
    """The bare full-text query of a search as SQL and parameters: the index rows that
    match the text and the filters' facets, newest first, without the access filter or
    the registry's columns (the benchmark's baseline; for looking at query plans)."""
    query, wanted = _prepare(text, Filters.of(**filters))
    entries = DocumentEntry.objects.filter(*_matches(query.terms, wanted.facets))
    ids = entries.order_by("-pk").values_list("pk", flat=True)[: limit + 1]
    return ids.query.sql_with_params()


def _prepare(
    text: str, filters: Filters, series: dict[str, list[int]] | None = None
) -> tuple[ParsedQuery, Plan]:
    """The parsed query (a case number as its current number) and its plan. `series`:
    the ids of the authorities with each series code the query names, as looked up (a
    dict to fill, for a caller that needs them too)."""
    series = {} if series is None else series

    def authorities(code: str) -> list[int]:
        if code not in series:
            series[code] = _series(code)
        return series[code]

    query = completed(parse_query(text, lambda code: bool(authorities(code))))
    query = _current_number(query)
    return query, plan(query, filters, authorities)


def _series(code: str) -> list[int]:
    """The ids of the authorities with this code (a case number's series), by a plain
    statement: every search for a case number asks it. UPPER as `code__iexact` on
    PostgreSQL; on SQLite it folds ASCII letters only, as LIKE there did."""
    found = execute("SELECT id FROM org_authority WHERE UPPER(code) = UPPER(%s)", [code])
    return [pk for (pk,) in found.fetchall()]


# An earlier case number (a case renumbered when a reorganisation moved it to another
# authority, kansli.reorganisation) is searched as the case's current number: the apps
# that renumber register a function from a typed number to the current one (None: not
# one of theirs).
NumberAlias = Callable[[CaseNumberQuery], CaseNumberQuery | None]
_number_aliases: list[NumberAlias] = []


def register_number_alias(alias: NumberAlias) -> None:
    if alias not in _number_aliases:
        _number_aliases.append(alias)


def _current_number(query: ParsedQuery) -> ParsedQuery:
    number = query.case_number
    if number is None or number.series is None:
        return query
    for alias in _number_aliases:
        current = alias(number)
        if current is not None:
            return dataclasses.replace(query, case_number=current)
    return query


def _matches(terms: Sequence[Term], facets: list[list[str]]) -> list[Matches]:
    return [Matches(terms, facets)] if terms or facets else []


def public_search(
    text: str,
    *,
    authority: Any = None,
    year: int | None = None,
    direction: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    document_type: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult[int]:
    """Search the public e-diary, newest first: every registration, found only by what
    the public e-diary shows of it (the search_public index: no withheld field, no
    masked name). The hits are the documents' ids; kansli.public.record reads what the
    diary shows of them (as rows: model objects cost more than the search). The query
    is the staff search's in form, as plain statements (kansli.search.public)."""
    filters = Filters.of(
        authority, year, None, None, None, None, direction, date_from, date_to,
        document_type=document_type,
    )  # fmt: skip
    codes: dict[str, list[int]] = {}
    query, wanted = _prepare(text, filters, codes)
    end = offset + limit + 1
    number = query.case_number
    series = codes[number.series] if number is not None and number.series else None
    ids = public.newest_ids(query, filters, wanted.facets, series, end, POSTGRESQL_WINDOW)
    page = ids[offset:end]
    return SearchResult(page[:limit], len(page) > limit, offset)


def _ids(entries: QuerySet[Any], limit: int) -> list[Hit]:
    """The newest `limit` of the index rows (_entries) as hits: one query, the access
    filter in it."""
    kind = "case" if entries.model is CaseEntry else "document"
    if connection.vendor == "postgresql":
        return [(kind, pk) for pk in _newest_on_postgresql(entries, limit)]
    return [(kind, pk) for pk in entries.order_by("-pk").values_list("pk", flat=True)[:limit]]


def _up_to(entries: QuerySet[Any], cap: int) -> int:
    """How many index rows (_entries) there are, counted up to the cap, in no order."""
    return entries.order_by().values("pk")[:cap].count()


def _entries(
    entry: type[DocumentEntry | CaseEntry | PublicEntry],
    readable: QuerySet[Any],
    terms: Sequence[Term],
    condition: Q,
    facets: list[list[str]],
    among: QuerySet[Any] | None = None,
) -> QuerySet[Any]:
    """The index rows that match and whose row in `readable` (what the user may see)
    passes the condition and is `among` the ids (Plan.document_ids: a subquery, the
    documents naming a person as sender or party, found through their trigram indexes,
    which for a common name are many: 720,000 at ten million documents; documents'
    ids, so only for the index rows of documents, whose id is theirs).
    On PostgreSQL `among` is a condition on the index row's own id: inside the access
    filter's EXISTS the planner joined the list to every document in the registry (a
    sequential scan, 240 ms for a name at a million documents; 40 ms this way)."""
    if among is not None and connection.vendor != "postgresql":
        condition &= Q(pk__in=among)
    visible = readable.filter(condition, pk=OuterRef("pk"))
    entries = entry.objects.filter(*_matches(terms, facets), Exists(visible))
    if among is not None and connection.vendor == "postgresql":
        entries = entries.filter(pk__in=among)
    return entries


# PostgreSQL's GIN index gives its hits in no order, and the planner, to stop early,
# likes to walk the primary key backwards testing each row, which for a rare word (or
# one not there at all) means testing every row in the table. So the newest rows are
# searched that way only within a window; older ones through the GIN index (sorting
# its hits, which for a rare word are few).
POSTGRESQL_WINDOW = 20_000


def _newest_on_postgresql(entries: QuerySet[Any], limit: int) -> list[int]:
    newest = entries.model.objects.aggregate(newest=Max("pk"))["newest"] or 0
    recent = entries.filter(pk__gt=newest - POSTGRESQL_WINDOW).order_by("-pk")
    found = list(recent.values_list("pk", flat=True)[:limit])
    if len(found) < limit:
        # "rowid + 0" is not the primary key: the planner cannot walk its index.
        older = entries.filter(pk__lte=newest - POSTGRESQL_WINDOW).order_by((F("pk") + 0).desc())
        found += older.values_list("pk", flat=True)[: limit - len(found)]
    return found


def _newest_first(documents: list[Hit], cases: list[Hit]) -> list[Hit]:
    """Documents and cases merged by registration and opening time."""
    if not cases:
        return documents
    times = _times(Document, "registered_at", documents) | _times(Case, "opened_at", cases)
    return list(heapq.merge(documents, cases, key=times.__getitem__, reverse=True))


def _times(model: type[Document | Case], column: str, hits: list[Hit]) -> dict[Hit, Any]:
    rows = model.objects.filter(pk__in=[pk for _kind, pk in hits]).values_list("pk", column)
    kind = hits[0][0] if hits else ""
    return {(kind, pk): at for pk, at in rows}


# What a hit's row reads of its case (prefixed "case__" for a document's), enough for
# its number (Case.case_number) without a model object.
CASE_FIELDS = (
    "title", "opened_at", "authority", "officer", "year", "number", "authority__code",
    "series__code", "authority__municipality__case_number_format",
)  # fmt: skip


def _rows(user: Any, page: list[Hit]) -> list[DocumentHit | CaseHit]:
    """The page's hits for display, read again through visible_to as rows (one query for
    the documents, one for the cases), masked for the user."""
    found: dict[Hit, DocumentHit | CaseHit] = {}
    document_ids = [pk for kind, pk in page if kind == "document"]
    if document_ids:
        # No ordering: the page's order is known, and the models' default ordering
        # would make the database sort by the case's columns.
        rows = (
            Document.objects.visible_to(user)
            .filter(pk__in=document_ids)
            .order_by()
            .values_list(
                "pk", "number", "description", "counterpart", "document_date", "voided_at",
                "secrecy", "case", *(f"case__{name}" for name in CASE_FIELDS),
            )
        )  # fmt: skip
        for pk, number, description, counterpart, day, voided_at, secrecy, *case in rows:
            of = _case_hit(*case)
            found["document", pk] = DocumentHit(
                pk, f"{of.case_number}-{number}", of, description, counterpart, day,
                voided_at is not None, secrecy,
            )  # fmt: skip
    case_ids = [pk for kind, pk in page if kind == "case"]
    if case_ids:
        cases = Case.objects.visible_to(user).filter(pk__in=case_ids).order_by()
        for pk, *case in cases.values_list("pk", *CASE_FIELDS):
            found["case", pk] = _case_hit(pk, *case)
    return _masked(user, [found[hit] for hit in page if hit in found])


def _case_hit(
    pk: int, title: str, opened_at: datetime.datetime, authority: int, officer: int | None,
    year: int, number: int, code: str, series: str | None, number_format: str,
) -> CaseHit:  # fmt: skip
    # Case.case_number: the series' code (a moved case's kept one, else the authority's)
    # in the municipality's format (Municipality.format_case_number).
    case_number = number_format.format(series=series or code, year=year, number=number)
    return CaseHit(pk, case_number, title, opened_at, authority, officer)


def _masked(user: Any, hits: list[DocumentHit | CaseHit]) -> list[DocumentHit | CaseHit]:
    """The hits as the user may read them: the names and identity numbers of a case's
    parties with protected identity (OSL 21 kap. 3 §) read "Skyddad identitet" in its
    title and its documents' senders, recipients and descriptions, for everyone but the
    case's officer and its authority's registrars (kansli.access.protected, as
    hide_protected does to model objects; one query when no case has such a party)."""
    cases = {c.pk: c for c in (h.case if isinstance(h, DocumentHit) else h for h in hits)}
    hide = hiders(user, cases.values())
    if not hide:
        return hits
    shown = {
        pk: dataclasses.replace(case, title=hide[pk](case.title)) if pk in hide else case
        for pk, case in cases.items()
    }
    masked: list[DocumentHit | CaseHit] = []
    for hit in hits:
        if isinstance(hit, CaseHit):
            masked.append(shown[hit.pk])
            continue
        one = hide.get(hit.case_id, NOTHING)
        description, counterpart = one(hit.description), one(hit.counterpart)
        masked.append(
            dataclasses.replace(
                hit, case=shown[hit.case_id], description=description, counterpart=counterpart
            )
        )
    return masked
