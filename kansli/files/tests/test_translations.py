"""The app's Swedish catalogue: every string of the app translated, and compiled."""

from __future__ import annotations

import ast
from pathlib import Path

import polib

APP = Path(__file__).resolve().parents[1]
CATALOGUE = APP / "locale" / "sv" / "LC_MESSAGES"


def msgids_in_code() -> set[str]:
    """The first argument of every call of _() in the app's modules."""
    found = set()
    for path in APP.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_string_has_a_swedish_translation() -> None:
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    assert msgids_in_code() == {entry.msgid for entry in catalogue}
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE / "django.po"))}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(CATALOGUE / "django.mo")) if e.msgid}
    assert compiled == source
