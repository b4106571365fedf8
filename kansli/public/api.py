"""The public e-diary as JSON, without login: /api/v1/public/diary. The same entries
as the pages (kansli.public.record), the same rate limit and cache (pagecache.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Field, Query, Router, Schema

from kansli.inputs import Code, Day, Id, Title, Words, Year
from kansli.org.api import ErrorOut, InvalidOut
from kansli.org.models import Authority
from kansli.public.pagecache import cached
from kansli.public.ratelimit import allowed
from kansli.public.record import entries_for, entries_of, masks_for, scrub
from kansli.registry.models import Case, Direction, Document
from kansli.search.query import public_search

router = Router(tags=["public e-diary"], auth=None)
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: InvalidOut,
    429: ErrorOut,
    503: ErrorOut,
}


class EntryOut(Schema):
    """One registration as OSL 5 kap. 2 § asks, with withheld and protected
    information replaced by a note saying so."""

    document_number: str
    case_number: str
    case_title: str
    authority: str = Field(alias="authority_code")
    direction: str
    document_date: datetime.date
    registered_on: datetime.date
    counterpart: str
    description: str
    document_type: str
    voided: bool


class DiaryOut(Schema):
    entries: list[EntryOut]
    has_more: bool = Field(description="Whether there are more hits after this page.")
    offset: int


class PublicCaseOut(Schema):
    case_number: str
    title: str
    authority: str
    opened: datetime.date
    status: str
    entries: list[EntryOut]


class DiaryFilter(Schema):
    q: Words = Field("", description='Words, "a phrase" or a case number.')
    authority: Code = Field("", description="The authority's code, e.g. KS.")
    direction: Direction | None = None
    date_from: Day | None = None
    date_to: Day | None = None
    document_type: Title = Field("", description="The document type, e.g. Remissvar.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class TooMany(Exception):
    """Over the rate limit: answered 429 with Retry-After (kansli.api)."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"För många förfrågningar. Vänta {wait} sekunder och försök igen.")
        self.wait = wait


def _polite(request: HttpRequest, response: HttpResponse) -> None:
    ok, wait = allowed(request)
    if not ok:
        raise TooMany(wait)
    # As the pages (kansli.public.views): kept elsewhere no longer than an addition lags.
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_NEW_SECONDS)


@router.get(
    "/public/diary", response={200: DiaryOut, **ERRORS}, summary="Search the public e-diary"
)
def diary(
    request: HttpRequest, response: HttpResponse, filters: Query[DiaryFilter]
) -> dict[str, Any]:
    """Every authority's registrations, newest first, found only by what the public
    e-diary shows. Without `q` and filters: the latest registrations."""
    _polite(request, response)
    return cached(request, "api", lambda: _diary(filters), keep=lambda _answer: True)


def _diary(filters: DiaryFilter) -> dict[str, Any]:
    authority = None
    if filters.authority:
        authority = Authority.objects.filter(code=filters.authority.strip().upper()).first()
        if authority is None:
            raise ValidationError({"authority": f"Okänd myndighet: {filters.authority}."})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"date_to": "Slutdatumet ligger före startdatumet."})
    result = public_search(
        filters.q, authority=authority, direction=filters.direction,
        date_from=filters.date_from, date_to=filters.date_to,
        document_type=filters.document_type or None, limit=filters.limit, offset=filters.offset,
    )  # fmt: skip
    return {"entries": entries_of(result.hits), "has_more": result.has_more,
            "offset": filters.offset}  # fmt: skip


@router.get("/public/diary/{code}/{year}/{number}", response={200: PublicCaseOut, **ERRORS},
            summary="One case in the public e-diary")  # fmt: skip
def case(
    request: HttpRequest, response: HttpResponse, code: Code, year: Year, number: Id
) -> dict[str, Any]:
    _polite(request, response)
    return cached(request, "api", lambda: _case(code, year, number), keep=lambda _answer: True)


def _case(code: str, year: int, number: int) -> dict[str, Any]:
    found = get_object_or_404(
        Case.objects.select_related("authority__municipality").numbered(code, year, number)
    )
    documents = Document.objects.filter(case=found).select_related(
        "case__authority__municipality", "secrecy"
    )
    return {
        "case_number": found.case_number,
        "title": scrub(found.title, masks_for(found)),
        "authority": found.authority.code,
        "opened": timezone.localdate(found.opened_at),
        "status": found.status,
        "entries": entries_for(list(documents.order_by("number"))),
    }
