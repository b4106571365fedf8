"""File text in the search index. A document's text includes the extracted text of its
current files (not of versions since replaced), and a document is indexed again when
one of its files' text has been extracted in the background (kansli.files.extract)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from kansli.files import extract
from kansli.files.models import StoredFile
from kansli.registry.models import Document, DocumentFile
from kansli.search.index import register_text_source, reindex_document


def file_texts(documents: Sequence[Document]) -> dict[int, list[str]]:
    """The extracted text of each document's current files, by document id, in one
    query for them all."""
    files = DocumentFile.objects.filter(
        document__in=[document.pk for document in documents],
        replaced_by__isnull=True,
        stored__extraction=StoredFile.Extraction.DONE,
    )
    texts: dict[int, list[str]] = {}
    for document_id, body in files.order_by("pk").values_list("document_id", "stored__text"):
        texts.setdefault(document_id, []).append(body)
    return texts


def text_extracted(stored: StoredFile) -> None:
    """Index again every document that has this file (the same content may be the file
    of several). Called by the extraction task, outside any transaction."""
    documents = DocumentFile.objects.filter(stored=stored).values_list("document_id", flat=True)
    for document_id in sorted(set(documents)):
        with transaction.atomic():
            reindex_document(document_id)


def connect() -> None:
    """Make file text part of the index (SearchConfig.ready)."""
    register_text_source(file_texts)
    if text_extracted not in extract.on_text_extracted:
        extract.on_text_extracted.append(text_extracted)
