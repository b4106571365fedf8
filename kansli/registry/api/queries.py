"""Every read of the API goes through here, and so through `Case.objects.visible_to` and
`Document.objects.visible_to`: what the caller may not see is not found (404), exactly
like what does not exist."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kansli.registry.models import Case, Document, DocumentFile

FILE_RELATED = ("stored", "replaced_by", "document__case")


def cases(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related(
        "authority__municipality", "classification", "unit", "officer"
    )


def documents(user: Any) -> QuerySet[Document]:
    with_files = Prefetch("files", queryset=DocumentFile.objects.select_related(*FILE_RELATED))
    return (
        Document.objects.visible_to(user)
        .select_related("case__authority__municipality", "secrecy")
        .prefetch_related(with_files)
    )


def files(user: Any) -> QuerySet[DocumentFile]:
    """Every version of the files of the documents the caller may see."""
    visible = Document.objects.visible_to(user).values("pk")
    return DocumentFile.objects.filter(document__in=visible).select_related(*FILE_RELATED)


def visible(queryset: QuerySet[Any], pk: int) -> Any:
    """The object with this id among those the queryset lets the caller see, or 404."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
