"""Searching the registry (kansli.search): hits the caller may see, newest first."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Router

from kansli.access.actions import do_log_reads
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority
from kansli.registry.api import queries
from kansli.registry.api.schemas import SearchFilter, SearchOut
from kansli.registry.models import Case, Document
from kansli.search.query import COUNT_CAP, DocumentHit, search

router = Router(tags=["search"])


@router.get("/search", response={200: SearchOut, **ERRORS}, summary="Search the registry")
def search_registry(request: ApiRequest, filters: Query[SearchFilter]) -> dict[str, Any]:
    """Words (the last may be the start of a word), "a phrase" or a case number, with
    filters. A hit is a registered document, or a case that has no document yet. The
    first page counts the hits up to a cap; `has_more` says whether another page
    (offset + limit) has hits."""
    authority = None
    if filters.authority:
        authority = Authority.objects.filter(code=filters.authority.strip().upper()).first()
        if authority is None:
            raise ValidationError({"authority": f"Okänd myndighet: {filters.authority}."})
    result = search(
        request.auth, filters.q, limit=filters.limit, offset=filters.offset,
        authority=authority, year=filters.year, status=filters.status,
        direction=filters.direction, date_from=filters.date_from, date_to=filters.date_to,
        include_voided=filters.include_voided, document_type=filters.document_type,
        counterpart=filters.who, kind=filters.kind,
        count_cap=COUNT_CAP if filters.offset == 0 else None,
    )  # fmt: skip
    # Read again with everything the schemas show (secrecy, files, officer, ...).
    documents = queries.documents(request.auth).in_bulk(
        [hit.pk for hit in result.hits if isinstance(hit, DocumentHit)]
    )
    do_log_reads(documents.values(), "registration", actor=request.auth)
    case_ids = {hit.pk for hit in result.hits if not isinstance(hit, DocumentHit)}
    cases = queries.cases(request.auth).in_bulk(
        case_ids | {document.case_id for document in documents.values()}
    )
    items: list[dict[str, Case | Document | None]] = [
        {"case": cases[documents[hit.pk].case_id], "document": documents[hit.pk]}
        if isinstance(hit, DocumentHit)
        else {"case": cases[hit.pk], "document": None}
        for hit in result.hits
    ]
    return {"items": items, "has_more": result.has_more, "count": result.count}
