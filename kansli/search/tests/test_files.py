"""File text: found once extracted, for every document with the file, current versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.org.models import User
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming
from kansli.search import index
from kansli.search.query import search

pytestmark = pytest.mark.django_db
LETTER = "Bilaga: brandskyddsbeskrivning för vindsvåningen".encode()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_files_text_is_found_once_extracted(staff: User) -> None:
    document = make_incoming(make_case("Ansökan om bygglov"))
    stored = store_bytes(LETTER, "bilaga.txt")
    actions.do_attach_file(document, stored, "bilaga.txt", actor=None)
    assert search(staff, "brandskyddsbeskrivning").hits == []
    extract_file_text.call(stored.pk)
    assert search(staff, "brandskyddsbeskrivning").hits == [document]
    # The same content attached elsewhere is one stored file, its text already there.
    other = make_incoming(make_case("Tillsyn"))
    actions.do_attach_file(other, store_bytes(LETTER, "kopia.txt"), "kopia.txt", actor=None)
    assert search(staff, "vindsvåningen").hits == [other, document]


def test_only_the_current_version_of_a_file_is_searched(staff: User) -> None:
    document = make_incoming(make_case("Ansökan om bygglov"))
    first = store_bytes(LETTER, "bilaga.txt")
    extract_file_text.call(first.pk)
    attached = actions.do_attach_file(document, first, "bilaga.txt", actor=None)
    second = store_bytes(b"Reviderad ritning med takkupor", "bilaga.txt")
    extract_file_text.call(second.pk)
    actions.do_attach_file(document, second, "bilaga.txt", replaces=attached, actor=None)
    assert search(staff, "takkupor").hits == [document]
    assert search(staff, "brandskyddsbeskrivning").hits == []


def test_a_case_is_indexed_with_each_documents_own_file_text_read_once(staff: User) -> None:
    case = make_case("Ansökan om bygglov")
    words = ["takkupor", "brandskyddsbeskrivning", "dagvattenutredning"]
    documents = []
    for number, word in enumerate(words):
        document = make_incoming(case)
        stored = store_bytes(f"Bilaga {number}: {word}".encode(), f"bilaga{number}.txt")
        extract_file_text.call(stored.pk)
        actions.do_attach_file(document, stored, f"bilaga{number}.txt", actor=None)
        documents.append(document)
    with CaptureQueriesContext(connection) as queries:
        index.index_case(case)
    file_reads = [q for q in queries.captured_queries if "registry_documentfile" in q["sql"]]
    assert len(file_reads) == 1  # one read for the case's three documents
    for word, document in zip(words, documents, strict=True):
        assert search(staff, word).hits == [document]
