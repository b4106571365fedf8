import pytest

from kansli.registry.personal_numbers import find, luhn_ok, warning


@pytest.mark.parametrize(
    "text",
    [
        "811218-9876",  # Skatteverket's example
        "8112189876",
        "19811218-9876",
        "198112189876",
        "20081218 9876",  # with a space
        "121212+1212",  # over 100 years of age
        "701063-2391",  # samordningsnummer: day 03 + 60
    ],
)
def test_valid_numbers_are_found_in_every_common_spelling(text: str) -> None:
    assert len(find(f"Sökande: Anna Andersson, {text}, Storgatan 1")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "811318-9876",  # no month 13
        "811200-9876",  # no day 0
        "0701-811218-9876",  # part of a longer number
        "Bankgiro 5050-1055, tel 08-123 456 78",
        "Dnr KS 2026/142, 2026-11-22",
        "811218-98765",
    ],
)
def test_other_numbers_are_not(text: str) -> None:
    assert find(text) == []


def test_the_same_number_counts_once_and_the_warning_says_how_many() -> None:
    text = "811218-9876 skrev till oss; 8112189876 igen; 19121212-1212; 701063-2391"
    found = find(text)
    assert found == ["811218-9876", "19121212-1212", "701063-2391"]
    assert warning(len(found)) == (
        "Handlingen innehåller 3 personnummer – överväg sekretessmarkering."
    )


def test_luhn() -> None:
    assert luhn_ok("8112189876") and not luhn_ok("8112189875")


def test_numbers_in_an_uploaded_files_text() -> None:
    import io

    from kansli.files.tests import samples
    from kansli.registry.personal_numbers import in_file

    letter = samples.pdf("Ansökan från Anna Andersson 811218-9876 om bygglov")
    assert in_file(io.BytesIO(letter)) == ["811218-9876"]
    assert in_file(io.BytesIO(b"\x89PNG\r\n\x1a\n not text")) == []


def test_a_zip_bomb_is_not_unpacked_to_look_for_numbers() -> None:
    """The warning's look into an upload comes before the store refuses a bomb: it must
    not unpack one (a 400 MB bomb once took 5 s and 900 MB here; bench/bomb.py)."""
    import io
    import zipfile

    from kansli.files.tests import samples
    from kansli.registry.personal_numbers import in_file

    letter = samples.word("Sökande: 811218-9876")
    assert in_file(io.BytesIO(letter)) == ["811218-9876"]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(letter)) as real, zipfile.ZipFile(out, "w") as bomb:
        for item in real.infolist():
            data = real.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:t>", b" " * 2 * 1024 * 1024 + b"</w:t>", 1)
            bomb.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    assert in_file(io.BytesIO(out.getvalue())) == []
