import pytest

from kansli.registry.casenumber import CaseNumberQuery, find_case_number, parse_case_number

KS_142 = CaseNumberQuery("KS", 2026, 142)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KS 2026/142", KS_142),
        ("KS-2026-142", KS_142),
        ("ks 2026/0142", KS_142),
        ("KS2026/142", KS_142),
        ("KS 2026:142", KS_142),
        (" KS  2026 / 142 ", KS_142),
        ("2026/142", CaseNumberQuery(None, 2026, 142)),
        ("KS 2026/142-3", CaseNumberQuery("KS", 2026, 142, 3)),
        ("KS-2026-0142-3", CaseNumberQuery("KS", 2026, 142, 3)),
        ("MBN 1999/7", CaseNumberQuery("MBN", 1999, 7)),
        ("öfn 2026/3", CaseNumberQuery("ÖFN", 2026, 3)),
    ],
)
def test_every_common_spelling_is_the_same_number(text: str, expected: CaseNumberQuery) -> None:
    assert parse_case_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2026-142", "2026-03-14", "KS 2026/0", "KS 2026/142/5", "bygglov", "142", "KS 1850/3", ""],
)
def test_what_is_not_a_case_number(text: str) -> None:
    assert parse_case_number(text) is None


def test_a_case_number_is_found_anywhere_in_a_query() -> None:
    assert find_case_number("yttrande KS-2026-142 granne") == (KS_142, "yttrande granne")
    assert find_case_number("inget nummer här") == (None, "inget nummer här")
    assert find_case_number("2026-03-14 möte") == (None, "2026-03-14 möte")


def test_a_word_before_the_number_is_a_series_only_if_known() -> None:
    def known(code: str) -> bool:
        return code == "KS"

    assert find_case_number("bygglov 2026/142", known) == (
        CaseNumberQuery(None, 2026, 142),
        "bygglov",
    )
    assert find_case_number("ks 2026/142-2 beslut", known) == (
        CaseNumberQuery("KS", 2026, 142, 2),
        "beslut",
    )
    assert find_case_number("bygglov 2026-142", known) == (None, "bygglov 2026-142")
    assert find_case_number("möte 2026-03-14", known) == (None, "möte 2026-03-14")


def test_it_prints_in_the_registry_form() -> None:
    assert str(CaseNumberQuery("KS", 2026, 142, 3)) == "KS 2026/142-3"
    assert str(CaseNumberQuery(None, 2026, 142)) == "2026/142"
