"""A search's filters, as conditions on the registry's columns and as index tokens.

Every filter is applied to the registry's own columns (the truth, in the same query
as the access filter). Those the index also carries as facets (text.py: authority,
year, classification, unit, direction, a closed date range, the case number, the
document type) are added
to the full-text condition too, so that the full-text engine narrows the hits itself:
"beslut" in an old year then does not walk every newer "beslut" first. Status and
officer change through actions that do not touch the index, so they are columns only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from kansli.registry.models import CaseStatus, Direction, Document, Party
from kansli.search import text as tokens
from kansli.search.querylang import ParsedQuery


def _pk(value: Any) -> int | None:
    return None if value is None else int(getattr(value, "pk", value))


@dataclass(frozen=True)
class Filters:
    """The filters of a search. `year` is the case's year (the year in its number);
    the date range is the document's date (received or drawn up), for a case without
    documents the day it was opened. Voided documents are included unless asked."""

    authority: int | None = None
    year: int | None = None
    status: str | None = None
    classification: int | None = None
    officer: int | None = None
    unit: int | None = None
    direction: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    include_voided: bool = True
    document_type: str | None = None
    counterpart: str | None = None

    @classmethod
    def of(
        cls,
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
    ) -> Filters:
        """Filters from model instances or ids; empty strings are no filter. A status
        or direction that is not one of the registry's raises ValueError."""
        if status and status not in CaseStatus.values:
            raise ValueError(f"no such case status: {status!r}")
        if direction and direction not in Direction.values:
            raise ValueError(f"no such direction: {direction!r}")
        return cls(
            _pk(authority), year, status or None, _pk(classification), _pk(officer),
            _pk(unit), direction or None, date_from, date_to, include_voided,
            (document_type or "").strip() or None, " ".join((counterpart or "").split()) or None,
        )  # fmt: skip


@dataclass
class Plan:
    """What a search asks of the database: conditions on Document and on Case (None:
    no case row can match, e.g. when filtering on direction), and the facet groups
    (one token of each must match) for documents' and cases' index rows."""

    documents: Q = field(default_factory=Q)
    cases: Q | None = field(default_factory=Q)
    facets: list[list[str]] = field(default_factory=list)
    case_facets: list[list[str]] = field(default_factory=list)
    # The ids of the documents a hit must be among (a subquery; None: any): a condition
    # on documents kept apart, for query.py to give it to the index rows' own id.
    document_ids: QuerySet[Any] | None = None

    def add(self, document: Q, case: Q | None, facet: list[str] | None = None) -> None:
        self.documents &= document
        self.cases = None if case is None or self.cases is None else self.cases & case
        if facet is not None:
            self.facets.append(facet)
            if case is not None:
                self.case_facets.append(facet)


# Case fields filtered alike on a document's case and on a case, with their facets.
_CASE_FILTERS: list[tuple[str, Callable[[Any], str] | None]] = [
    ("authority", tokens.authority_token),
    ("year", tokens.year_token),
    ("status", None),
    ("classification", tokens.classification_token),
    ("officer", None),
    ("unit", tokens.unit_token),
]


def plan(query: ParsedQuery, filters: Filters, series: Callable[[str], list[int]]) -> Plan:
    """The plan for a parsed query and its filters. `series` gives the ids of the
    authorities with a code (a case number's series)."""
    result = Plan()
    for name, token in _CASE_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            column = f"{name}_id" if name not in ("year", "status") else name
            facet = [token(value)] if token is not None else None
            result.add(Q(**{f"case__{column}": value}), Q(**{column: value}), facet)
    number = query.case_number
    if number is not None:
        result.add(
            Q(case__year=number.year, case__number=number.number),
            Q(year=number.year, number=number.number),
            [tokens.case_token(number.year, number.number)],
        )
        if number.series:
            ids = series(number.series)
            facet = [tokens.authority_token(pk) for pk in ids] or ["none"]
            # The series: the authority's own, or the one a moved case kept (Case.series).
            own = Q(series__isnull=True, authority_id__in=ids) | Q(series_id__in=ids)
            mine = Q(case__series__isnull=True, case__authority_id__in=ids)
            result.add(mine | Q(case__series_id__in=ids), own, facet)
        if number.document is not None:
            result.add(Q(number=number.document), None)
    if filters.direction is not None:
        direction = filters.direction
        result.add(Q(direction=direction), None, [tokens.direction_token(direction)])
    if not filters.include_voided:
        result.add(Q(voided_at__isnull=True), Q())
    if filters.document_type is not None:
        kind = tokens.document_type_token(filters.document_type)
        facet = None if kind is None else [kind]
        result.add(_document_type(filters.document_type), None, facet)
    if filters.counterpart is not None:
        document, case, named = _counterpart(filters.counterpart.split())
        result.add(document, case)
        result.document_ids = named
    _date_range(result, filters.date_from, filters.date_to)
    return result


def _date_range(result: Plan, start: datetime.date | None, end: datetime.date | None) -> None:
    if start is not None:
        result.add(Q(document_date__gte=start), Q(opened_at__date__gte=start))
    if end is not None:
        result.add(Q(document_date__lte=end), Q(opened_at__date__lte=end))
    if start is not None and end is not None:
        covering = tokens.date_range_tokens(start, end)
        if covering is not None:
            # Only documents carry date tokens; a case row has its column only.
            result.facets.append(covering or ["none"])


def _document_type(document_type: str) -> Q:
    """Documents of the type (in any case), unless the type names a party of theirs
    with protected identity (OSL 21 kap. 3 §): a document type is free text ("Yttrande
    från ..."), and a filter that matched it would tell that the hidden person is a
    party, as the counterpart filter would (_counterpart). Shown, such a type is masked
    (kansli.public.record.scrub, kansli.access.protected.hide_protected), which takes
    the name in any case and spacing: so does this, in Python (SQLite's LIKE folds only
    ASCII letters), over the parties with protected identity (few; a partial index)."""
    named = cases_of_protected_named_in(document_type)
    type_of = Q(document_type__iexact=document_type)
    return type_of & ~Q(case_id__in=named) if named else type_of


def cases_of_protected_named_in(text: str) -> set[int]:
    """The cases with a party with protected identity whose name is in `text`."""
    asked = _folded(text)
    hidden = Party.objects.filter(protected_identity=True).values_list("case_id", "name")
    return {case for case, name in hidden if _folded(name) and _folded(name) in asked}


def _folded(text: str) -> str:
    """Words one space apart (any white space between them), case folded."""
    return " ".join(text.split()).casefold()


def _counterpart(words: list[str]) -> tuple[Q, Q, QuerySet[Any]]:
    """A document whose sender or recipient, or whose case's party, has every word; a
    case (without documents) whose party has. Never through a party with protected
    identity (OSL 21 kap. 3 §): the index leaves their names out, and so does this
    filter: where the words are in such a party's name, none of the case's documents
    or the case match, so that filtering by a name cannot tell that the hidden person
    is a party (a sender's name is theirs too when the words name them).

    The matching documents are one list, the senders' and the parties' cases' (a
    union), so that PostgreSQL finds both through their trigram indexes (migration
    search 0004) and looks up only those documents: as an OR beside the rest of the
    search it tested the words on every document in the registry (5 to 14 s at a
    million documents without other words). The list is the third value returned
    (Plan.document_ids), apart from the other conditions on the document."""
    sender, named = Q(), Q(protected_identity=False)
    hidden = Party.objects.filter(protected_identity=True)
    for word in words:
        sender &= Q(counterpart__icontains=word)
        named &= Q(name__icontains=word)
        hidden = hidden.filter(name__icontains=word)
    parties = Party.objects.filter(named)
    by_sender = Document.objects.filter(sender).order_by().values("pk")
    by_party = Document.objects.filter(case__in=parties.values("case")).order_by().values("pk")
    among = by_sender.union(by_party)
    document = Q(~Exists(hidden.filter(case=OuterRef("case"))))
    case = Exists(parties.filter(case=OuterRef("pk"))) & ~Exists(hidden.filter(case=OuterRef("pk")))
    return document, case, among
