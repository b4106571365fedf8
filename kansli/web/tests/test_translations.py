from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES"


def test_every_string_has_a_swedish_translation() -> None:
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    def entries(catalogue: polib._BaseFile) -> dict[str, object]:
        return {
            e.msgid: e.msgstr_plural if e.msgid_plural else e.msgstr
            for e in catalogue
            if e.msgid and not e.obsolete
        }

    source = entries(polib.pofile(str(LOCALE / "django.po")))
    compiled = entries(polib.mofile(str(LOCALE / "django.mo")))
    assert {k: str(v) for k, v in compiled.items()} == {k: str(v) for k, v in source.items()}
