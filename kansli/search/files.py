"""File text in the search index. A document's text includes the extracted text of its
current files (not of versions since replaced), and a document is indexed again when
one of its files' text has been extracted in the background (kansli.files.extract)."""

from __future__ import annotations

from django.db import transaction

from kansli.files import extract
from kansli.files.models import StoredFile
from kansli.registry.models import Document, DocumentFile
from kansli.search.index import register_text_source, reindex_document


def file_texts(document: Document) -> list[str]:
    """The extracted text of the document's current files."""
    files = DocumentFile.objects.filter(
        document=document, replaced_by__isnull=True, stored__extraction=StoredFile.Extraction.DONE
    )
    return list(files.order_by("pk").values_list("stored__text", flat=True))


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
