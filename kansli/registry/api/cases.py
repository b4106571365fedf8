"""Cases and their registered documents: list, read and register. Every change is made
by the actions in kansli.registry.actions, which check permission (403) and refuse bad
input with Swedish messages (422)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kansli.access.actions import do_log_read, do_log_reads
from kansli.inputs import Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority
from kansli.registry import actions
from kansli.registry.api import queries
from kansli.registry.api.schemas import (
    CaseDetailOut,
    CaseFilter,
    CaseIn,
    CaseOut,
    DocumentIn,
    DocumentOut,
)
from kansli.registry.models import Case, Classification, Document, SecrecyProvision

router = Router(tags=["registry"])


class Pages(PageNumberPagination):
    """Ninja's pages, with a page number the database can skip to."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=200)


@router.get("/cases", response={200: list[CaseOut], **ERRORS}, summary="List cases")
@paginate(Pages, page_size=50, max_page_size=200)
def list_cases(request: ApiRequest, filters: Query[CaseFilter]) -> QuerySet[Case]:
    """The cases the caller may see, newest first, filtered by authority code, year and
    status; 50 a page unless page_size (at most 200) says otherwise."""
    cases = queries.cases(request.auth)
    if filters.authority:
        cases = cases.filter(authority__code=filters.authority.upper())
    if filters.year:
        cases = cases.filter(year=filters.year)
    if filters.status:
        cases = cases.filter(status=filters.status)
    return cases.order_by("-year", "authority__code", "-number", "pk")


@router.post("/cases", response={201: CaseDetailOut, **ERRORS}, summary="Register a case")
def create_case(request: ApiRequest, payload: CaseIn) -> Status[Case]:
    """Open a case; it gets the next number in the authority's series (KS 2026/142)."""
    authority = Authority.objects.filter(code=payload.authority.strip().upper()).first()
    if authority is None:
        raise ValidationError({"authority": f"Okänd myndighet: {payload.authority}."})
    classification = None
    if payload.classification:
        code = payload.classification.strip()
        classification = Classification.objects.filter(authority=authority, code=code).first()
        if classification is None:
            message = f"{authority.code} har ingen klassificering {code}."
            raise ValidationError({"classification": message})
    case = actions.do_register_case(
        authority, payload.title, classification=classification, actor=request.auth
    )
    return Status(201, queries.visible(queries.cases(request.auth), case.pk))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="Read a case")
def get_case(request: ApiRequest, case_id: Id) -> Case:
    """A case with the registered documents the caller may see."""
    case = queries.visible(queries.cases(request.auth), case_id)
    shown = queries.documents(request.auth).filter(case=case, secrecy__isnull=False)
    do_log_reads(shown, "registration", actor=request.auth)
    return case


@router.post(
    "/cases/{case_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Register a document in a case",
)
def create_document(request: ApiRequest, case_id: Id, payload: DocumentIn) -> Status[Document]:
    """Register a document in a case with the next document number (KS 2026/142-3)."""
    case = queries.visible(queries.cases(request.auth), case_id)
    secrecy = None
    if payload.secrecy:
        secrecy = SecrecyProvision.objects.filter(reference=payload.secrecy.strip()).first()
        if secrecy is None or not secrecy.active:
            raise ValidationError({"secrecy": f"Okänd sekretessbestämmelse: {payload.secrecy}."})
    document = actions.do_register_document(
        case,
        payload.direction,
        payload.document_date,
        payload.description,
        counterpart=payload.counterpart,
        counterpart_address=payload.counterpart_address,
        document_type=payload.document_type,
        secrecy=secrecy,
        withhold_counterpart=payload.withhold_counterpart,
        withhold_description=payload.withhold_description,
        actor=request.auth,
    )
    return Status(201, queries.visible(queries.documents(request.auth), document.pk))


@router.get(
    "/documents/{document_id}", response={200: DocumentOut, **ERRORS}, summary="Read a document"
)
def get_document(request: ApiRequest, document_id: Id) -> Document:
    """A registered document, if the caller may see it. Reading a secrecy-marked one is
    logged (who, when, from where)."""
    document: Document = queries.visible(queries.documents(request.auth), document_id)
    do_log_read(document, "registration", actor=request.auth)
    return document
