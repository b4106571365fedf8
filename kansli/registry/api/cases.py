"""Cases and their registered documents: list, read and register; change a case, the
day to decide it by, its related cases and its access group. Every change is made by
the actions (kansli.registry.actions, kansli.access.actions), which check permission
(403) and refuse bad input with Swedish messages (422)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from kansli.access.actions import (
    do_log_read,
    do_log_reads,
    do_move_case_to_group,
    require_moving,
)
from kansli.access.models import AccessGroup
from kansli.inputs import Id
from kansli.org.api import ERRORS, ApiRequest
from kansli.org.models import Authority, Unit
from kansli.registry import actions, document_types
from kansli.registry.api import queries
from kansli.registry.api.schemas import (
    AccessGroupIn,
    AccessGroupOut,
    CaseChangeIn,
    CaseDetailOut,
    CaseFilter,
    CaseIn,
    CaseOut,
    DocumentIn,
    DocumentOut,
    DueDateIn,
    RelateIn,
)
from kansli.registry.forms import find_case
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


def _shown_case(request: ApiRequest, case_id: int) -> Case:
    """The case as CaseDetailOut shows it (404 if the caller may not see it), the read
    of each secret registration it shows logged."""
    case = queries.visible(queries.cases(request.auth), case_id)
    shown = queries.documents(request.auth).filter(case=case, secrecy__isnull=False)
    do_log_reads(shown, "registration", actor=request.auth)
    return case


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="Read a case")
def get_case(request: ApiRequest, case_id: Id) -> Case:
    """A case with the registered documents the caller may see."""
    return _shown_case(request, case_id)


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="Change a case")
def change_case(request: ApiRequest, case_id: Id, payload: CaseChangeIn) -> Case:
    """Change the title, the classification or the responsible unit; only the fields
    given are changed. The case's officer, or a registrar or manager of its authority."""
    case = queries.visible(queries.cases(request.auth), case_id)
    given = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "title" in given:
        changes["title"] = given["title"]
    if given.get("classification"):
        code = given["classification"].strip()
        changes["classification"] = case.authority.classifications.filter(code=code).first()
        if changes["classification"] is None:
            message = f"{case.authority.code} har ingen klassificering {code}."
            raise ValidationError({"classification": message})
    elif "classification" in given:
        changes["classification"] = None
    if given.get("unit"):
        name = given["unit"].strip()
        units = Unit.objects.valid_on().filter(
            municipality_id=case.authority.municipality_id, name__iexact=name
        )
        found = list(units[:2])
        if not found:
            raise ValidationError({"unit": f"Det finns ingen enhet {name}."})
        if len(found) > 1:
            raise ValidationError({"unit": f"Flera enheter heter {name}: ändra på ärendesidan."})
        changes["unit"] = found[0]
    elif "unit" in given:
        changes["unit"] = None
    actions.do_change_case(case, actor=request.auth, **changes)
    return _shown_case(request, case_id)


@router.put(
    "/cases/{case_id}/due-date",
    response={200: CaseDetailOut, **ERRORS},
    summary="Set the day to decide a case by",
)
def set_due_date(request: ApiRequest, case_id: Id, payload: DueDateIn) -> Case:
    """Set the day the case should be decided by, or clear it with null (FL 9 §). The
    case's officer, or a registrar or manager of its authority; not for a closed or
    voided case."""
    case = queries.visible(queries.cases(request.auth), case_id)
    actions.do_set_due_date(case, payload.due_date, actor=request.auth)
    return _shown_case(request, case_id)


@router.post(
    "/cases/{case_id}/related",
    response={201: CaseDetailOut, **ERRORS},
    summary="Relate a case to another",
)
def relate_case(request: ApiRequest, case_id: Id, payload: RelateIn) -> Status[Case]:
    """Relate the case to another of the same municipality, given by its case number or
    id. A case the caller may not see is answered like one that does not exist."""
    case = queries.visible(queries.cases(request.auth), case_id)
    if payload.case_number is not None:
        field, other = "case_number", find_case(request.auth, payload.case_number)
    elif payload.case_id is not None:
        field, other = "case_id", queries.cases(request.auth).filter(pk=payload.case_id).first()
    else:
        raise ValidationError({"case_number": "Ange ärendets nummer eller id."})
    if other is None:
        raise ValidationError({field: "Ärendet finns inte."})
    actions.do_relate_cases(case, other, actor=request.auth)
    return Status(201, _shown_case(request, case_id))


@router.get(
    "/cases/{case_id}/access-groups",
    response={200: list[AccessGroupOut], **ERRORS},
    summary="The access groups a case may be in",
)
def access_groups(request: ApiRequest, case_id: Id) -> list[AccessGroup]:
    """The access groups of the case's authority, for those who may move the case."""
    case = queries.visible(queries.cases(request.auth), case_id)
    require_moving(request.auth, case.authority)  # 403 before anything of the groups
    return list(AccessGroup.objects.filter(authority_id=case.authority_id).select_related("unit"))


@router.put(
    "/cases/{case_id}/access-group",
    response={200: CaseDetailOut, **ERRORS},
    summary="Move a case to another access group",
)
def move_case(request: ApiRequest, case_id: Id, payload: AccessGroupIn) -> Case:
    """Put the case in another access group of its authority: the members of that group
    then read its secrecy-marked documents instead of the former group's. A registrar or
    manager of the authority, or a system administrator."""
    case = queries.visible(queries.cases(request.auth), case_id)
    require_moving(request.auth, case.authority)  # 403 before anything of the groups
    group = AccessGroup.objects.filter(pk=payload.group_id, authority_id=case.authority_id).first()
    if group is None:
        raise ValidationError({"group_id": f"{case.authority.code} har ingen sådan grupp."})
    do_move_case_to_group(case, group, actor=request.auth)
    return _shown_case(request, case_id)


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
    if not payload.document_type.strip() and document_types.type_options(case) is not None:
        # With a plan in force a document has one of its types (the action checks which).
        raise ValidationError({"document_type": document_types.CHOOSE_TYPE})
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
