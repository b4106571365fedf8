"""Searching through `search(user, text, ...)`: what is found, in which order, and that
nothing the user may not see is."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kansli.org.models import Authority, Role, User
from kansli.registry import actions
from kansli.registry.testing import make_case, make_incoming
from kansli.search.query import CaseHit, DocumentHit, search

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def numbers(hits: list[DocumentHit | CaseHit]) -> list[str]:
    return [
        hit.document_number if isinstance(hit, DocumentHit) else hit.case_number for hit in hits
    ]


def title(hit: DocumentHit | CaseHit) -> str:
    return hit.case.title if isinstance(hit, DocumentHit) else hit.title


def test_finds_a_word_in_title_description_counterpart_and_parties(staff: User) -> None:
    case = make_case(
        "Ansökan om bygglov på Ekbacken 3:14",
        parties=[{"name": "Fatima Qvarnström"}],
    )
    document = make_incoming(
        case, description="Ritningar till fasaden", counterpart="Lindqvist Bygg AB"
    )
    for text in ["ekbacken", "ritningar", "fasaden", "lindqvist", "qvarnström", "bygg ab"]:
        assert search(staff, text).hits == [document], text
    assert search(staff, "xylofon").hits == []


def test_all_words_must_match_and_the_last_may_be_the_start_of_a_word(staff: User) -> None:
    document = make_incoming(make_case("Ansökan om skolskjuts"), description="Ansökan")
    make_incoming(make_case("Ansökan om förskoleplats"), description="Ansökan")
    assert search(staff, "ansökan skolskjuts").hits == [document]
    assert search(staff, "skolskj").hits == [document]
    assert search(staff, "ansökan sko").hits == [document]
    assert search(staff, '"om skolskjuts"').hits == [document]
    assert search(staff, '"ansökan skolskjuts"').hits == []


def test_swedish_letters_are_letters_of_their_own(staff: User) -> None:
    document = make_incoming(make_case("Plats i förskola"), description="Ansökan")
    assert search(staff, "förskola").hits == [document]
    assert search(staff, "FÖRSKOLA").hits == [document]
    assert search(staff, "forskola").hits == []


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="stemming is PostgreSQL's swedish configuration"
)
def test_on_postgresql_word_forms_find_each_other(staff: User) -> None:
    document = make_incoming(make_case("Plats i förskola"), description="Ritningarna")
    assert search(staff, "förskolor").hits == [document]
    assert search(staff, "ritning").hits == [document]
    assert search(staff, "ritningar").hits == [document]
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    "typed",
    ["KS {year}/2", "KS-{year}-2", "ks {year}/0002", "{year}/2", "KS{year}/2", "dnr KS {year}/2"],
)
def test_finds_a_case_number_in_any_spelling(staff: User, typed: str) -> None:
    make_incoming(make_case("Första ärendet"))
    second = make_case("Andra ärendet")
    first_doc, second_doc = make_incoming(second), make_incoming(second)
    make_incoming(make_case("Tredje ärendet 2"))
    assert search(staff, typed.format(year=YEAR)).hits == [second_doc, first_doc]


def test_a_document_number_finds_that_document(staff: User) -> None:
    case = make_case()
    first, _second = make_incoming(case, description="Brev"), make_incoming(case)
    assert search(staff, f"KS {YEAR}/1-1").hits == [first]
    assert search(staff, f"KS {YEAR}/1-1 brev").hits == [first]
    assert search(staff, f"KS {YEAR}/1-1 faktura").hits == []
    assert search(staff, f"BUN {YEAR}/1").hits == []  # no such series: "bun" is a word


def test_a_case_without_documents_is_found_until_it_has_one(staff: User) -> None:
    case = make_case("Medborgarförslag om parkbänkar", parties=[{"name": "Åke Öberg"}])
    assert search(staff, "parkbänkar").hits == [case]
    assert search(staff, "öberg").hits == [case]
    assert search(staff, f"KS {YEAR}/1").hits == [case]
    document = make_incoming(case)
    assert search(staff, "parkbänkar").hits == [document]


def test_newest_first_in_pages_without_a_count(staff: User) -> None:
    made = [make_incoming(make_case(f"Bygglov nummer {n}")) for n in range(5)]
    first = search(staff, "bygglov", limit=2)
    assert (first.hits, first.has_more) == ([made[4], made[3]], True)
    last = search(staff, "bygglov", limit=2, offset=4)
    assert (last.hits, last.has_more) == ([made[0]], False)


def test_hits_show_their_numbers_without_more_queries(
    staff: User, django_assert_num_queries: Any
) -> None:
    make_case("Bygglov utan handlingar")
    for n in range(3):
        make_incoming(make_case(f"Bygglov {n}"))
    hits = search(staff, "bygglov").hits
    with django_assert_num_queries(0):
        shown = [f"{number} {title(hit)}" for number, hit in zip(numbers(hits), hits, strict=True)]
    assert shown[0] == f"KS {YEAR}/4-1 Bygglov 2"
    assert shown[-1] == f"KS {YEAR}/1 Bygglov utan handlingar"


def test_older_hits_come_in_order_past_the_newest_rows(
    staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the newest rows are searched by walking the key and older ones
    through the GIN index (query.POSTGRESQL_WINDOW): the seam must not show."""
    from kansli.search import query

    monkeypatch.setattr(query, "POSTGRESQL_WINDOW", 2)
    made = [make_incoming(make_case(f"Bygglov {n}")) for n in range(5)]
    make_incoming(make_case("Rivningslov"))
    assert search(staff, "bygglov", limit=4).hits == made[:0:-1]
    assert search(staff, "bygglov", limit=4, offset=4).hits == [made[0]]


def test_newest_first_merges_cases_and_documents(staff: User) -> None:
    older = make_incoming(make_case("Detaljplan för Hamnen"))
    case = make_case("Detaljplan för Varvet")
    assert search(staff, "detaljplan").hits == [case, older]


def test_filters(staff: User, officer: User, ks: Authority) -> None:
    from kansli.org.testing import make_authority, make_unit
    from kansli.registry.models import Classification

    bun = make_authority("BUN", "Barn- och utbildningsnämnden")
    unit = make_unit("Bygglovsenheten")
    scheme = Classification.objects.create(authority=ks, code="3.1", title="Bygglov")
    one = make_incoming(make_case("Bygglov ett", classification=scheme, unit=unit))
    old_case = make_case("Bygglov två", opened_at=timezone.now() - datetime.timedelta(days=400))
    two = make_incoming(old_case, document_date=YESTERDAY - datetime.timedelta(days=30))
    three = actions.do_register_document(
        make_case("Bygglov tre", authority=bun), "utgaende", YESTERDAY, "Beslut", actor=None
    )
    actions.do_assign_officer(one.case, officer, actor=None)
    actions.do_change_case_status(two.case, "avslutat", actor=None)

    def found(**filters: Any) -> list[DocumentHit | CaseHit]:
        return search(staff, "bygglov", **filters).hits

    assert found() == [three, two, one]
    assert found(authority=bun) == [three]
    assert found(authority=ks.pk) == [two, one]
    assert found(year=YEAR - 1) == [two]
    assert found(status="avslutat") == [two]
    assert found(classification=scheme) == [one]
    assert found(officer=officer) == [one]
    assert found(unit=unit) == [one]
    assert found(direction="utgaende") == [three]
    assert found(date_from=YESTERDAY) == [three, one]
    assert found(date_to=YESTERDAY - datetime.timedelta(days=1)) == [two]
    month = YESTERDAY - datetime.timedelta(days=30)
    assert found(date_from=month, date_to=month) == [two]
    assert search(staff, "", authority=bun).hits == [three]


def test_another_municipality_sees_nothing(staff: User) -> None:
    from kansli.org import actions as org
    from kansli.org.models import Role
    from kansli.org.testing import make_user

    document = make_incoming(make_case("Bygglov Ekbacken"))
    other = org.do_create_municipality("Grannby kommun", actor=None)
    theirs = org.do_create_authority(other, "ks", "GKS", "Kommunstyrelsen i Grannby", actor=None)
    neighbour = make_user("granne", roles=[(Role.REGISTRAR, theirs)])
    assert search(neighbour, "ekbacken").hits == []
    assert search(neighbour, f"KS {YEAR}/1").hits == []
    assert search(neighbour, "", authority=document.case.authority).hits == []
    assert search(None, "ekbacken").hits == []
    assert search(staff, "ekbacken").hits == [document]


def test_the_access_filter_is_in_the_query(staff: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """The access filter is part of the search query, not a filter on its page: hidden
    documents neither appear nor take a place in the page."""
    from kansli.access import rules as access

    visible = [make_incoming(make_case(f"Bygglov {n}")) for n in range(2)]
    hidden = [make_incoming(make_case(f"Bygglov {n}")) for n in range(3)]
    real = access.visible_documents

    def fewer(documents: Any, user: Any) -> Any:
        return real(documents, user).exclude(pk__in=[d.pk for d in hidden])

    monkeypatch.setattr(access, "visible_documents", fewer)
    result = search(staff, "bygglov", limit=2)
    assert (result.hits, result.has_more) == ([visible[1], visible[0]], False)


def test_voided_documents_stay_findable_and_marked(staff: User) -> None:
    kept = make_incoming(make_case("Bygglov ett"))
    voided = make_incoming(make_case("Bygglov två"))
    actions.do_void_document(voided, "Registrerad i fel ärende", actor=None)
    hits = search(staff, "bygglov").hits
    assert hits == [voided, kept]
    assert isinstance(hits[0], DocumentHit) and hits[0].is_voided
    assert search(staff, "bygglov", include_voided=False).hits == [kept]


def test_a_correction_is_found_and_the_old_text_is_not(staff: User) -> None:
    document = make_incoming(description="Ansökan om bygglov", counterpart="Anna Andersson")
    actions.do_correct_document(
        document, "Fel avsändare", description="Anmälan om rivning", counterpart="Bo Berg",
        actor=None,
    )  # fmt: skip
    assert search(staff, "rivning berg").hits == [document]
    assert search(staff, "andersson").hits == []


def test_changing_the_case_reindexes_its_documents(staff: User) -> None:
    case = make_case("Ansökan om bygglov")
    first, second = make_incoming(case), make_incoming(case)
    actions.do_change_case(case, title="Ansökan om rivningslov", actor=None)
    actions.do_add_party(case, "Greta Sjöberg", actor=None)
    actions.do_add_party(case, "Hemlig Person", protected_identity=True, actor=None)
    assert search(staff, "rivningslov sjöberg").hits == [second, first]
    assert search(staff, "bygglov").hits == []
    assert search(staff, "hemlig").hits == []  # protected identity: never indexed


def test_secrecy_marked_documents_are_found_only_by_those_who_may_read_them(
    staff: User,
) -> None:
    from kansli.access.testing import make_access_group
    from kansli.org.testing import make_user
    from kansli.registry.testing import make_provision

    document = make_incoming(make_case("Personalärende"), description="Läkarintyg")
    actions.do_mark_secrecy(document, make_provision(), withhold_description=True, actor=None)
    # Behovsprincipen: staff outside the case's access group find neither the hit nor
    # its place in a count (has_more) — as if it were not there.
    result = search(staff, "läkarintyg", limit=1)
    assert (result.hits, result.has_more) == ([], False)
    member = make_user("hr", roles=[(Role.OFFICER, document.case.authority)])
    make_access_group(document.case.authority, [member])
    assert search(member, "läkarintyg").hits == [document]
    assert search(staff, "läkarintyg").hits == []


def test_an_index_change_rolls_back_with_its_action(staff: User) -> None:
    case = make_case("Ansökan om bygglov")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_incoming(case, description="Ritningar")
        raise RuntimeError("something later in the same transaction failed")
    assert search(staff, "ritningar").hits == []
    assert search(staff, "bygglov").hits == [case]
