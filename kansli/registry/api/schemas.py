"""What the API reads and writes: cases, documents and their files, with the numbers as
the registry writes them (KS 2026/142, KS 2026/142-3)."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema

from kansli.access.models import AccessGroup
from kansli.access.protected import hide_for
from kansli.inputs import Address, Code, Day, Id, Line, Name, Title, Year
from kansli.registry.api import queries
from kansli.registry.models import Case, CaseStatus, Direction, Document, DocumentFile


class FileOut(Schema):
    """One version of a document's file; download it at /api/v1/files/{id}."""

    id: int
    document_id: int
    name: str
    version: int
    replaces_id: int | None
    current: bool
    size: int
    content_type: str
    sha256: str
    added_at: datetime.datetime

    @staticmethod
    def resolve_current(obj: DocumentFile) -> bool:
        return obj.is_current

    @staticmethod
    def resolve_size(obj: DocumentFile) -> int:
        return obj.stored.size

    @staticmethod
    def resolve_content_type(obj: DocumentFile) -> str:
        return obj.stored.content_type

    @staticmethod
    def resolve_sha256(obj: DocumentFile) -> str:
        return obj.stored.sha256


class DocumentOut(Schema):
    """A registration with what OSL 5 kap. 2 § asks for (date, number, sender or
    recipient, what it concerns), its secrecy marking (OSL 5 kap. 5 §) and which of
    its details are left out of the public record (OSL 5 kap. 2 § second paragraph)."""

    id: int
    document_number: str
    case_id: int
    case_number: str
    number: int
    direction: Direction
    document_date: datetime.date
    registered_at: datetime.datetime
    counterpart: str
    description: str
    document_type: str
    secrecy: str | None
    secrecy_marked_at: datetime.datetime | None
    withhold_counterpart: bool
    withhold_description: bool
    voided_at: datetime.datetime | None
    void_reason: str
    external_id: str
    files: list[FileOut]

    @staticmethod
    def resolve_case_number(obj: Document) -> str:
        return obj.case.case_number

    # A party with protected identity: "Skyddad identitet" for those who may not see it.
    @staticmethod
    def resolve_counterpart(obj: Document, context: dict[str, Any]) -> str:
        return hide_for(context["request"].auth, obj.case)(obj.counterpart)

    @staticmethod
    def resolve_description(obj: Document, context: dict[str, Any]) -> str:
        return hide_for(context["request"].auth, obj.case)(obj.description)

    @staticmethod
    def resolve_document_type(obj: Document, context: dict[str, Any]) -> str:
        return hide_for(context["request"].auth, obj.case)(obj.document_type)  # free text

    @staticmethod
    def resolve_secrecy(obj: Document) -> str | None:
        return obj.secrecy.reference if obj.secrecy else None


class CaseOut(Schema):
    id: int
    case_number: str
    authority: str
    year: int
    number: int
    title: str
    status: CaseStatus
    classification: str | None
    unit: str | None
    officer: str | None
    opened_at: datetime.datetime
    due_date: datetime.date | None = Field(description="The day it should be decided by.")
    closed_at: datetime.datetime | None
    external_id: str

    @staticmethod
    def resolve_authority(obj: Case) -> str:
        return obj.authority.code

    @staticmethod
    def resolve_title(obj: Case, context: dict[str, Any]) -> str:
        return hide_for(context["request"].auth, obj)(obj.title)

    @staticmethod
    def resolve_classification(obj: Case) -> str | None:
        return obj.classification.code if obj.classification else None

    @staticmethod
    def resolve_unit(obj: Case) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_officer(obj: Case) -> str | None:
        return obj.officer.username if obj.officer else None


class AccessGroupOut(Schema):
    """A behörighetsgrupp: its members read the secrecy-marked documents of its cases."""

    id: int
    name: str
    unit: str | None

    @staticmethod
    def resolve_unit(obj: AccessGroup) -> str | None:
        return obj.unit.name if obj.unit else None


class CaseDetailOut(CaseOut):
    documents: list[DocumentOut]
    related: list[str] = Field(description="The numbers of the related cases the caller may see.")
    access_group: AccessGroupOut | None

    @staticmethod
    def resolve_documents(obj: Case, context: dict[str, Any]) -> list[Document]:
        """Only the registrations the caller may see."""
        return list(queries.documents(context["request"].auth).filter(case=obj))

    @staticmethod
    def resolve_related(obj: Case, context: dict[str, Any]) -> list[str]:
        """A related case the caller may not see is left out, number and all."""
        related = queries.cases(context["request"].auth).filter(related=obj)
        return [case.case_number for case in related.order_by("authority__code", "year", "number")]


class CaseIn(Schema):
    authority: Code = Field(description="The authority's code (registry series), e.g. KS.")
    title: Title = Field(description="The case title (ärendemening).")
    classification: Code | None = Field(
        None, description="A process code in the authority's classification scheme, e.g. 2.3.1."
    )


class CaseChangeIn(Schema):
    """Only the fields given are changed."""

    title: Title = Field(None, description="The case title (ärendemening).")
    classification: Code | None = Field(
        None, description="A process code of the case's authority, e.g. 2.3.1; null or empty: none."
    )
    unit: Name | None = Field(
        None, description="The responsible unit's name, e.g. Kansliet; null or empty: none."
    )


class DueDateIn(Schema):
    due_date: Day | None = Field(description="The day to decide the case by; null clears it.")


class RelateIn(Schema):
    """The other case, by its number or its id."""

    case_number: Line | None = Field(None, description="E.g. KS 2026/12.")
    case_id: Id | None = None


class AccessGroupIn(Schema):
    group_id: Id = Field(description="One of the access groups of the case's authority.")


class DocumentIn(Schema):
    direction: Direction
    document_date: Day
    description: Title
    counterpart: Name = ""
    counterpart_address: Address = ""
    document_type: Line = Field(
        "",
        description="With a document management plan in force, one of its types for the "
        "case's process (letter case and spacing aside; stored as the plan spells it).",
    )
    secrecy: Line | None = Field(
        None, description="The OSL provision of a secrecy marking, e.g. 'OSL 26 kap. 1 §'."
    )
    withhold_counterpart: bool = False
    withhold_description: bool = False


class CaseFilter(Schema):
    authority: Code | None = None
    year: Year | None = None
    status: CaseStatus | None = None


class SearchFilter(Schema):
    q: Title = Field(description='Words, "a phrase" or a case number, e.g. bygglov Storgatan.')
    authority: Code | None = Field(None, description="An authority's code, e.g. KS.")
    year: Year | None = Field(None, description="The year in the case number.")
    status: CaseStatus | None = None
    direction: Direction | None = None
    date_from: Day | None = Field(None, description="Documents dated from this day.")
    date_to: Day | None = Field(None, description="Documents dated up to this day.")
    include_voided: bool = True
    document_type: Title | None = Field(None, description="The document type, e.g. Remissvar.")
    kind: Literal["documents", "cases"] | None = Field(
        None, description="documents: no case without documents; cases: each case once."
    )
    who: Title | None = Field(
        None, description="Every word of a sender's, recipient's or party's name."
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class SearchHitOut(Schema):
    """A registered document with its case, or a case without documents (document null)."""

    case: CaseOut
    document: DocumentOut | None


class SearchOut(Schema):
    items: list[SearchHitOut]
    has_more: bool
    count: int | None = Field(
        description="On the first page (offset 0): the hits, exactly up to 1,000; 1001 "
        "means more than 1,000. Only what the caller may read is counted."
    )
