from kansli.registry.models.cases import Case, CaseCounter, CaseStatus, Party, TimelineEntry
from kansli.registry.models.classification import Classification
from kansli.registry.models.documents import Direction, Document, DocumentCorrection
from kansli.registry.models.files import DocumentFile, InboxItem
from kansli.registry.models.naming import NamingRule
from kansli.registry.models.secrecy import SecrecyProvision
from kansli.registry.models.types import DocumentType

__all__ = [
    "Case",
    "CaseCounter",
    "CaseStatus",
    "Classification",
    "Direction",
    "Document",
    "DocumentCorrection",
    "DocumentFile",
    "DocumentType",
    "InboxItem",
    "NamingRule",
    "Party",
    "SecrecyProvision",
    "TimelineEntry",
]
