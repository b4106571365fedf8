"""A page of hits is read as rows (DocumentHit, CaseHit), not model objects: what they
carry, that protected identities are masked in them for whoever may not see them, and
that reading a page takes the same queries however many hits it has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kansli.org.models import Authority, User
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming
from kansli.search.query import CaseHit, DocumentHit, search

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_a_hit_carries_what_the_result_list_shows(staff: User) -> None:
    case = make_case("Bygglov för förrådet")
    document = make_incoming(case, description="Ritning", counterpart="Anna Andersson")
    actions.do_void_document(document, "Fel ärende", actor=None)
    lone = make_case("Bygglov för garaget")
    alone, found = search(staff, "bygglov").hits  # the case without documents is newer
    assert isinstance(found, DocumentHit) and isinstance(alone, CaseHit)
    assert (found.document_number, found.description, found.counterpart) == (
        f"KS {YEAR}/1-1", "Ritning", "Anna Andersson",
    )  # fmt: skip
    assert found.is_voided and found.secrecy_id is None
    assert found.document_date == document.document_date
    assert (found.case.case_number, found.case.title) == (f"KS {YEAR}/1", "Bygglov för förrådet")
    assert found.case_id == case.pk and found.case.officer_id is None
    assert (alone.case_number, alone.title, alone.opened_at) == (
        lone.case_number, lone.title, lone.opened_at,
    )  # fmt: skip
    assert alone.authority_id == lone.authority_id
    # A hit is equal to the model object it shows, and hashed as it.
    assert found == document and found != case and alone == lone and {found} == {document}


def test_a_moved_case_keeps_its_series_in_the_hits_number(staff: User, ks: Authority) -> None:
    from kansli.org.testing import make_authority

    case = make_case("Gatubelysning")
    case.series = make_authority("TN")
    case.save(update_fields=["series"])
    (hit,) = search(staff, "gatubelysning").hits
    assert isinstance(hit, CaseHit) and hit.case_number == f"TN {YEAR}/1"


def test_protected_names_are_masked_in_the_rows_for_all_but_officer_and_registrar(
    staff: User, officer: User
) -> None:
    case = make_case("Bistånd till Sara Skyddad")
    actions.do_add_party(case, "Sara Skyddad", identity_number="19800101-1234",
                         protected_identity=True, actor=None)  # fmt: skip
    make_incoming(case, description="Intyg om 800101-1234", counterpart="sara skyddad")
    hidden = search(officer, "bistånd").hits[0]
    assert isinstance(hidden, DocumentHit)
    assert hidden.case.title == "Bistånd till Skyddad identitet"
    assert hidden.description == "Intyg om Skyddad identitet"
    assert hidden.counterpart == "Skyddad identitet"
    shown = search(staff, "bistånd").hits[0]  # the authority's registrar
    assert isinstance(shown, DocumentHit)
    assert (shown.case.title, shown.counterpart) == ("Bistånd till Sara Skyddad", "sara skyddad")
    actions.do_assign_officer(case, officer, actor=None)
    officers = search(officer, "bistånd").hits[0]  # the case's officer now
    assert isinstance(officers, DocumentHit)
    assert officers.case.title == "Bistånd till Sara Skyddad"


def test_a_page_takes_as_many_queries_for_many_hits_as_for_few(staff: User) -> None:
    def queries(text: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            search(staff, text)
        return len(captured.captured_queries)

    for n in range(2):
        make_incoming(make_case(f"Trafikfråga {n}"))
    make_case("Trafikfråga utan handling")
    for n in range(30):
        make_incoming(make_case(f"Parkering {n}"))
    make_case("Parkering utan handling")
    queries("trafikfråga")  # the first search reads what the user may see, once
    assert queries("trafikfråga") == queries("parkering")
