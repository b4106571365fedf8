"""Keeping the index current: file text from another app, and rebuilding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pytest
from django.db import connection

from kansli.org.models import User
from kansli.registry.models import Document
from kansli.registry.testing import make_case, make_incoming
from kansli.search import index
from kansli.search.query import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_texts() -> Iterator[dict[int, str]]:
    """A stand-in for the files app: extracted text per document id."""
    texts: dict[int, str] = {}

    def source(documents: Sequence[Document]) -> dict[int, Iterable[str]]:
        return {d.pk: [texts[d.pk]] for d in documents if d.pk in texts}

    index.register_text_source(source)
    yield texts
    index.unregister_text_source(source)


def test_file_text_is_found_after_reindex_document(staff: User, file_texts: dict) -> None:
    document = make_incoming(make_case("Ansökan om bygglov"))
    assert search(staff, "brandskydd").hits == []
    file_texts[document.pk] = "Bilaga: brandskyddsbeskrivning och brandskydd i vinden"
    index.reindex_document(document.pk)
    assert search(staff, "brandskydd").hits == [document]
    assert "brandskydd" in index.document_text(document)


def test_rebuild_writes_every_row_again(staff: User) -> None:
    document = make_incoming(make_case("Ansökan om bygglov"))
    case = make_case("Detaljplan för Hamnen")
    with connection.cursor() as cursor:
        for table in ("search_document", "search_case", "search_public"):
            cursor.execute(f"DELETE FROM {table}")
    assert search(staff, "bygglov").hits == []
    assert list(index.rebuild(batch=1)) == [1, 2]
    assert search(staff, "bygglov").hits == [document]
    assert search(staff, "hamnen").hits == [case]
    assert index.counts() == {"search_document": 1, "search_case": 1, "search_public": 1}


def test_the_search_command(staff: User) -> None:
    from io import StringIO

    from django.core.management import call_command

    document = make_incoming(make_case("Ansökan om bygglov"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_document")
    out = StringIO()
    call_command("search", "reindex", stdout=out)
    call_command("search", "optimize", stdout=out)
    call_command("search", "status", stdout=out)
    assert search(staff, "bygglov").hits == [document]
    assert "search_document: 1 rader" in out.getvalue()
