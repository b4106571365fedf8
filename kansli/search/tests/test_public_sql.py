"""The public e-diary's search runs as plain statements (kansli.search.public), the
staff search through the ORM (query._entries). Both must find the same registrations
for the same words and filters, or the diary would show what a filter leaves out, or
hide what it asks for. Here each filter alone and together, case numbers in their
series (a moved case's kept number too), a document type naming a party with protected
identity, LIKE's wildcards typed into the type, and PostgreSQL's seam between the
newest rows and older ones."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.utils import timezone

from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case, make_incoming
from kansli.reorganisation.testing import make_world
from kansli.reorganisation.tests.test_keep_numbers import keep
from kansli.search import query as search_query
from kansli.search.filters import Filters
from kansli.search.models import PublicEntry
from kansli.search.query import public_search

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def through_the_orm(text: str, limit: int = 200, **given: Any) -> list[int]:
    """What the ORM's query (as the staff search composes it) finds on the public index."""
    filters = Filters.of(
        given.get("authority"), given.get("year"), None, None, None, None,
        given.get("direction"), given.get("date_from"), given.get("date_to"),
        document_type=given.get("document_type"),
    )  # fmt: skip
    parsed, wanted = search_query._prepare(text, filters)
    entries = search_query._entries(
        PublicEntry, Document.objects.all(), parsed.terms, wanted.documents, wanted.facets,
        wanted.document_ids,
    )  # fmt: skip
    return [pk for _kind, pk in search_query._ids(entries, limit)]


@pytest.fixture
def registry_of_two() -> dict[str, Any]:
    world = make_world()
    keep(world)  # world.case moves to KS and keeps its KFN number (Case.series)
    moved = make_incoming(world.case, description="Beslut om folkhälsa")
    ks_case = make_case("Bygglov för kanotbrygga", authority=world.ks)
    registry.do_add_party(ks_case, "Sara Svensson", protected_identity=True, actor=None)
    made = [moved]
    for n, (direction, kind) in enumerate(itertools.product(
        ["inkommen", "utgaende"], ["Ansökan", "Yttrande från Sara Svensson", "Skrivelse_2"]
    )):  # fmt: skip
        for case in (ks_case, world.other):
            made.append(registry.do_register_document(
                case, direction, TODAY - (n + 1) * DAY, f"Beslut nummer {n}",
                counterpart="Bolaget AB", document_type=kind, actor=None,
            ))  # fmt: skip
    registry.do_void_document(made[3], "Fel ärende", actor=None)
    return {"world": world, "ks_case": ks_case, "moved": world.case, "made": made}


def test_every_filter_alone_and_together_finds_what_the_orm_finds(
    registry_of_two: dict[str, Any],
) -> None:
    world, ks_case, moved = (registry_of_two[k] for k in ("world", "ks_case", "moved"))
    ks, kfn = f"{ks_case.year}/{ks_case.number}", f"{moved.year}/{moved.number}"
    texts = ["", "beslut", "besl", '"beslut nummer"', "bolaget", "nothing", f"KS {ks}",
             f"KFN {kfn}", f"kfn {kfn}-2", ks, f"XYZ {ks}", f"KS {kfn} beslut"]  # fmt: skip
    filters: list[dict[str, Any]] = [
        {}, {"authority": world.ks.pk}, {"authority": world.kfn.pk}, {"year": ks_case.year},
        {"direction": "inkommen"}, {"direction": "utgaende"},
        {"date_from": TODAY - 3 * DAY}, {"date_to": TODAY - 4 * DAY},
        {"date_from": TODAY - 5 * DAY, "date_to": TODAY - 2 * DAY},
        {"document_type": "ansökan"}, {"document_type": "ANSÖKAN"},
        {"document_type": "Yttrande från Sara Svensson"},
        {"document_type": "Skrivelse_2"}, {"document_type": "Skrivelse%"},
        {"document_type": "Skrivelse_%"}, {"document_type": "Skrivelse\\_2"},
        {"authority": world.ks.pk, "direction": "utgaende", "document_type": "Ansökan",
         "date_from": TODAY - 6 * DAY, "date_to": TODAY},
    ]  # fmt: skip
    found_any = 0
    for text, given in itertools.product(texts, filters):
        expected = through_the_orm(text, **given)
        assert public_search(text, limit=199, **given).hits == expected[:199], (text, given)
        found_any += bool(expected)
    assert found_any > 40  # the matrix finds something in most of its cells


def test_wildcards_typed_into_the_type_are_letters(registry_of_two: dict[str, Any]) -> None:
    assert len(public_search("", document_type="Skrivelse_2").hits) == 4
    assert public_search("", document_type="Skrivelse%").hits == []
    assert public_search("", document_type="Skrivelse_%").hits == []
    assert public_search("", document_type="Skrivelsex2").hits == []


def test_a_type_naming_a_protected_party_finds_nothing_in_that_case(
    registry_of_two: dict[str, Any],
) -> None:
    ks_case = registry_of_two["ks_case"]
    hits = public_search("", document_type="Yttrande från Sara Svensson").hits
    assert len(hits) == 2  # the other case's two: none of the case where she is a party
    assert not Document.objects.filter(pk__in=hits, case=ks_case).exists()


def test_a_moved_case_is_found_by_its_kept_number_not_its_new_authority_s(
    registry_of_two: dict[str, Any],
) -> None:
    moved = registry_of_two["moved"]
    kept = public_search(f"KFN {moved.year}/{moved.number}").hits
    assert kept and set(Document.objects.filter(pk__in=kept).values_list("case", flat=True)) == {
        moved.pk
    }
    assert public_search(f"KS {moved.year}/{moved.number}").hits != kept


def test_pages_go_on_across_the_newest_rows_window(
    registry_of_two: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the newest rows are walked by their key and older ones found
    through the GIN index (query.POSTGRESQL_WINDOW): the seam must not show."""
    everything = public_search("beslut", limit=100).hits
    monkeypatch.setattr(search_query, "POSTGRESQL_WINDOW", 2)
    pages = [public_search("beslut", limit=3, offset=n).hits for n in range(0, 15, 3)]
    assert [pk for page in pages for pk in page] == everything
    assert everything == sorted(everything, reverse=True) and len(everything) == 13
