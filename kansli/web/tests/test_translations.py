from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES"


def test_every_string_has_a_swedish_translation() -> None:
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if e.msgstr}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid}
    assert compiled == source
