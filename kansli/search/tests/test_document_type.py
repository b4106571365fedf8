"""The document type as a facet token: it narrows a search by type in the index and
never leaves out a document that the filter on the registry's column takes."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from kansli.org.models import Role, User
from kansli.org.testing import make_user
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming
from kansli.search import index, text
from kansli.search.query import public_search, search

pytestmark = pytest.mark.django_db
PINNED = "h149320124785633"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="UPPER on PostgreSQL folds å, ä and ö too"
)


def test_types_equal_but_for_case_share_a_token() -> None:
    token = text.document_type_token
    assert token("Yttrande") == token("yttrande") == token("YTTRANDE")
    assert token("Överklagande") == token("överklagande")
    assert token("ΟΔΟΣ") == token("οδος") == token("οδοσ")  # final sigma upper-cases to Σ
    assert token("Yttrande") != token("Beslut")
    assert token("") is None and token(" § ") is None
    assert token("Beslut §12") == token("beslut 12")  # the same words: the column decides
    assert all(part.isalnum() and part.isascii() for part in [token("Överklagande") or ""])
    # Stored in every index row (migration search 0005): a change needs a reindex.
    assert token("Yttrande") == PINNED


def test_the_filter_finds_every_spelling_the_column_takes(staff: User) -> None:
    case = make_case("Parkbänkar")
    upper = make_incoming(case, document_type="REMISSVAR")
    lower = make_incoming(case, document_type="remissvar")
    make_incoming(case, document_type="Remissvar 2")
    make_incoming(case, document_type="Skrivelse")
    for typed in ("Remissvar", "remissvar", " REMISSVAR "):
        assert search(staff, "", document_type=typed).hits == [lower, upper]
        assert search(staff, "parkbänkar", document_type=typed).hits == [lower, upper]
        assert public_search("", document_type=typed).hits == [lower.pk, upper.pk]
    assert search(staff, "", document_type="§").hits == []


@on_postgresql
def test_non_ascii_letters_in_another_case_are_found_on_postgresql(staff: User) -> None:
    document = make_incoming(make_case("Överklagat beslut"), document_type="ÖVERKLAGANDE")
    assert search(staff, "", document_type="överklagande").hits == [document]


def test_a_corrected_type_is_found_by_its_new_token(staff: User) -> None:
    document = make_incoming(make_case("Parkbänkar"), document_type="Skrivelse")
    actions.do_correct_document(document, "Fel handlingstyp", document_type="Yttrande", actor=None)
    assert search(staff, "", document_type="Yttrande").hits == [document]
    assert search(staff, "", document_type="Skrivelse").hits == []


def test_the_migration_gives_rows_written_before_it_their_token(staff: User) -> None:
    document = make_incoming(make_case("Parkbänkar"), document_type="Yttrande")
    token = text.document_type_token("Yttrande")
    assert token is not None
    for table in ("search_document", "search_public"):  # as the code before wrote them
        index.write(table, document.pk, "parkbänkar yttrande", "a1 dinkommen", remember=False)
    assert search(staff, "", document_type="Yttrande").hits == []
    migration = importlib.import_module("kansli.search.migrations.0005_document_type_facet")
    migration.add_tokens(None, SimpleNamespace(connection=connection))
    assert search(staff, "", document_type="Yttrande").hits == [document]
    assert public_search("", document_type="yttrande").hits == [document.pk]


def test_a_type_the_public_diary_shows_masked_is_no_filter_of_it() -> None:
    """A protected name in a type is left out by the filter itself (_document_type); a
    personal identity number or a private sender's name, which the diary masks too,
    by the public row's facets (index.public_facets)."""
    case = make_case("Ansökan om bistånd")
    numbered = make_incoming(case, document_type="Ansökan 19121212-1212")
    private = make_incoming(case, document_type="Brev från Eva Ek", counterpart="Eva Ek",
                            counterpart_is_private=True)  # fmt: skip
    plain = make_incoming(case, document_type="Yttrande")
    for guess in ("Ansökan 19121212-1212", "Brev från Eva Ek", "brev från eva ek"):
        assert public_search("", document_type=guess).hits == []
    assert public_search("", document_type="Yttrande").hits == [plain.pk]
    staff = make_user("handlaggare", roles=[(Role.OFFICER, case.authority)])
    assert search(staff, "", document_type="Ansökan 19121212-1212").hits == [numbered]
    assert search(staff, "", document_type="Brev från Eva Ek").hits == [private]
