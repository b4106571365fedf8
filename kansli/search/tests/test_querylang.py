import datetime

import pytest

from kansli.search.filters import Filters
from kansli.search.querylang import (
    Term,
    facets_tsquery,
    fts5_expression,
    parse_query,
    tsquery_sql,
)
from kansli.search.text import date_range_tokens, normalise


def test_words_must_all_match_and_the_last_is_a_prefix() -> None:
    query = parse_query("Bygglov Ekbac")
    assert query.case_number is None
    assert query.terms == (Term(("bygglov",)), Term(("ekbac",), prefix=True))


def test_phrases_keep_their_words_and_order() -> None:
    query = parse_query('"ansökan om bygglov" granne')
    assert query.terms == (
        Term(("ansökan", "om", "bygglov"), phrase=True),
        Term(("granne",), prefix=True),
    )
    # An unclosed quote runs to the end; a quoted single word is exact, not a prefix.
    assert parse_query('"detaljplan').terms == (Term(("detaljplan",)),)


def test_small_function_words_are_left_out_between_other_words() -> None:
    assert parse_query("ansökan om skolskjuts").terms == (
        Term(("ansökan",)),
        Term(("skolskjuts",), prefix=True),
    )
    assert parse_query("och om").terms == (Term(("och",)), Term(("om",), prefix=True))


def test_one_letter_is_not_completed() -> None:
    assert parse_query("plats b").terms == (Term(("plats",)), Term(("b",)))


def test_a_case_number_is_taken_out_of_the_words() -> None:
    query = parse_query("KS-2026-142 yttrande", lambda code: code == "KS")
    assert str(query.case_number) == "KS 2026/142"
    assert query.terms == (Term(("yttrande",), prefix=True),)


def test_nothing_typed_reaches_fts5_as_syntax() -> None:
    query = parse_query('bygg* OR "x" NEAR(a b) {facets}: a1 -y ^z')
    expression = fts5_expression(query.terms, [["a12"], ["t2025", "t202601"]])
    assert expression == (
        '{body}: ("x" AND "bygg" AND "or" AND "near" AND "a" AND "b" AND "facets" AND "a1"'
        ' AND "y" AND "z") AND {facets}: ((a12) AND (t2025 OR t202601))'
    )


def test_a_completed_prefix_is_searched_as_its_words() -> None:
    term = Term(("ansök",), prefix=True, completions=("ansökan", "ansökt"))
    assert fts5_expression([term], []) == '{body}: (("ansökan" OR "ansökt"))'
    assert fts5_expression([Term(("ansök",), prefix=True)], []) == '{body}: ("ansök"*)'


def test_postgresql_queries_stem_words_and_phrases() -> None:
    sql, params = tsquery_sql(parse_query('"detaljplan för" bygglovet förs').terms)
    assert sql == (
        "phraseto_tsquery('swedish', %s) && plainto_tsquery('swedish', %s) && "
        "(to_tsquery('swedish', %s) || to_tsquery('simple', %s))"
    )
    assert params == ["detaljplan för", "bygglovet", "'förs':*", "'förs':*"]
    assert facets_tsquery([["a1"], ["t2025", "t202601"]]) == "(a1) & (t2025 | t202601)"


def test_text_is_split_into_words_the_same_way_for_both_databases() -> None:
    assert normalise(["KS 2026/142-3", "Åsa Öberg-Ärlig, asa@exempel.se"]) == (
        "ks 2026 142 3 åsa öberg ärlig asa exempel se"
    )
    assert normalise(["ord " * 100], limit=50) == " ".join(["ord"] * 12)
    assert normalise(["fo\u0308rskola"]) == "förskola"


def test_a_date_range_is_covered_by_whole_years_and_months() -> None:
    tokens = date_range_tokens(datetime.date(2019, 11, 5), datetime.date(2022, 2, 1))
    assert tokens == ["t201911", "t201912", "t2020", "t2021", "t202201", "t202202"]
    assert date_range_tokens(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)) == ["t2019"]
    assert date_range_tokens(datetime.date(2020, 1, 1), datetime.date(2019, 1, 1)) == []
    assert date_range_tokens(datetime.date(1990, 3, 1), datetime.date(2026, 3, 1)) is None


def test_facet_tokens_are_checked_before_they_reach_a_database() -> None:
    with pytest.raises(ValueError, match="facet"):
        fts5_expression([], [["dinkommen OR a1"]])
    with pytest.raises(ValueError, match="facet"):
        facets_tsquery([["a1 | a2"]])
    with pytest.raises(ValueError, match="direction"):
        Filters.of(direction="inkommen OR a1")
    with pytest.raises(ValueError, match="status"):
        Filters.of(status="stängt")
    assert Filters.of(authority="3", direction="", status="avslutat").authority == 3
