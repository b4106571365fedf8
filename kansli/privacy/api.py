"""The person search in the API (GDPR art. 15): POST /api/v1/person-search with the
authority's code and a name and/or personal identity number; the hits grouped by source,
each marked when it needs a secrecy review. POST, so that the name and number are never
in an address. The caller must be a registrar or archivist of the authority (or a
superuser); an authority the caller may not search at answers 404. Audited as the page's
search is (kansli.privacy.actions)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Router, Schema

from kansli.inputs import Code, Words
from kansli.org.api import ERRORS, ApiRequest
from kansli.privacy.actions import do_search_person, searchable_authorities
from kansli.privacy.finder import SOURCES, Hit, Person
from kansli.privacy.forms import person_name, personal_number

router = Router(tags=["personal data requests"])


class PersonIn(Schema):
    authority: Code = Field(description="the authority's code, e.g. KS")
    name: Words = Field("", description="every word is looked for, in any order")
    personal_number: Words = Field("", description="YYYYMMDD-NNNN or YYMMDD-NNNN")


class HitOut(Schema):
    reference: str
    what: str
    found_in: str
    day: datetime.date | None
    secrecy_review: str = Field(description='why a secrecy review is needed ("": none)')


class SourceOut(Schema):
    source: str
    heading: str
    more: bool = Field(description="more hits than listed")
    hits: list[HitOut]


class FoundOut(Schema):
    authority: str
    hits: int
    to_review: int
    sources: list[SourceOut]


def _hit(hit: Hit) -> HitOut:
    return HitOut(
        reference=hit.reference, what=hit.what, found_in=hit.found_in, day=hit.day,
        secrecy_review=hit.review,
    )  # fmt: skip


@router.post(
    "/person-search",
    response={200: FoundOut, **ERRORS},
    summary="Search for a person (GDPR art. 15)",
)
def person_search(request: ApiRequest, payload: PersonIn) -> FoundOut:
    authority = (
        searchable_authorities(request.auth).filter(code__iexact=payload.authority.strip()).first()
    )
    if authority is None:
        raise Http404
    try:
        name = person_name(payload.name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error
    number = payload.personal_number.strip()
    if number:
        try:
            number = personal_number(number)
        except ValidationError as error:
            raise ValidationError({"personal_number": error.messages}) from error
    found = do_search_person(authority, Person(name, number), actor=request.auth)
    return FoundOut(
        authority=authority.code,
        hits=found.total,
        to_review=found.to_review,
        sources=[
            SourceOut(
                source=source,
                heading=str(SOURCES[source]),
                more=more,
                hits=[_hit(hit) for hit in hits],
            )
            for source, _heading, hits, more in found.sections()
        ],
    )
