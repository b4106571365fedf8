"""Parties with protected identity (skyddade personuppgifter, OSL 21 kap. 3 §) as the
staff see them: only the case's officer and its authority's registrars read the name
(kansli.access.rules.may_see_protected_identities); everyone else reads "Skyddad
identitet" wherever the name or the identity number was written, in a case title, a
document's sender or recipient, its description, an agenda item's title or a decision.

`hide_protected` rewrites objects in memory, for showing only (a view or an API answer
never saves what it shows). Two queries however many cases."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kansli.org.models import Role
from kansli.org.permissions import authority_ids_with

SHOWN_AS = "Skyddad identitet"


class Hide:
    """Replaces the given names and numbers (any spacing, any case) in a text, a name
    also as registers write it surname first ("Hemlig, Anna" for Anna Hemlig, "Hemlig
    Svensson Anna" for Anna Hemlig Svensson: every way of putting its last words first,
    with or without a comma)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.pattern = names_pattern(tuple(words))

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        return self.pattern.sub(SHOWN_AS, text)


@functools.lru_cache(maxsize=4096)
def names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the names (and numbers), each in every order Hide takes it, the
    longest first; None for none. Kept compiled: the public e-diary asks per entry."""
    patterns = {pattern for name in names for pattern in _orders(name.split())}
    ordered = sorted(patterns, key=len, reverse=True)
    return re.compile("|".join(ordered), re.I) if ordered else None


# A person's name has a few words; one of more is turned no more (a party's name of 150
# one-letter words, typed on purpose, would make 150 alternatives for every text shown).
TURNED_WORDS = 6


def _orders(parts: list[str]) -> list[str]:
    """The name's words as written, and each turn of them (the last k words first),
    as patterns: any spacing between words, a comma too between the two groups."""
    if not parts:
        return []
    escaped = [re.escape(part) for part in parts]
    found = [r"\s*".join(escaped)]
    for k in range(1, len(parts) if len(parts) <= TURNED_WORDS else 1):
        found.append(r"\s*".join(escaped[k:]) + r"[\s,]*" + r"\s*".join(escaped[:k]))
    return found


NOTHING = Hide([])


def hiders(user: Any, cases: Iterable[Any]) -> dict[int, Hide]:
    """What to hide from the user in each case (by id): its protected parties' names and
    identity numbers, unless the user is its officer or a registrar of its authority."""
    from kansli.registry.models import Party

    by_id = {case.pk: case for case in cases}
    words: dict[int, list[str]] = defaultdict(list)
    found = Party.objects.filter(case_id__in=by_id, protected_identity=True).order_by()
    for case_id, name, number in found.values_list("case_id", "name", "identity_number"):
        words[case_id] += [name, number, *_digit_forms(number)]
    if not words:
        return {}
    registrar_of = set(authority_ids_with(user, [Role.REGISTRAR], current=False))
    return {
        pk: Hide(words[pk])
        for pk, case in by_id.items()
        if pk in words
        and not (
            user is not None
            and (case.officer_id == getattr(user, "pk", None) or case.authority_id in registrar_of)
        )
    }


def _digit_forms(number: str) -> list[str]:
    """An identity number as it may be written: with and without the century and the
    separator (19850612-1234, 850612-1234, 8506121234)."""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 10:
        return []
    ten = digits[-10:]
    return [ten, f"{ten[:6]}-{ten[6:]}", digits]


def hide_protected(user: Any, cases: Iterable[Any], documents: Iterable[Any] = ()) -> None:
    """Rewrite, in memory, the cases' titles and the documents' senders, recipients,
    descriptions and document types (free text: "Yttrande från ...") for the user.
    Only objects that are shown and never saved: an action given one would store what
    it shows."""
    cases = list(cases)
    documents = list(documents)
    everything = {c.pk: c for c in [*cases, *(d.case for d in documents)]}
    hide = {pk: one for pk, one in _kept(user, everything.values()).items() if one is not NOTHING}
    if not hide:
        return
    for case in cases:
        case.title = hide.get(case.pk, NOTHING)(case.title)
    for document in documents:
        one = hide.get(document.case_id, NOTHING)
        shown = one(document.counterpart)
        if shown != document.counterpart:  # the person's own address goes with the name
            document.counterpart, document.counterpart_address = shown, ""
        document.description = one(document.description)
        document.document_type = one(document.document_type)


_CACHE = "_kansli_hide"


def hide_for(user: Any, case: Any) -> Hide:
    """What to hide from the user in one case, kept on the user object for the request
    (an API answer asks once per field of each case it lists)."""
    return _kept(user, [case])[case.pk]


def _kept(user: Any, cases: Iterable[Any]) -> dict[int, Hide]:
    """hiders for the cases (NOTHING where nothing is hidden), kept on the user object
    for the request, so that a page asking for a case again (hide_for, hide_protected)
    reads its parties once; one query for the cases not asked for before."""
    cache: dict[int, Hide] = (getattr(user, _CACHE, None) if user is not None else None) or {}
    cases = list(cases)
    missing = [case for case in cases if case.pk not in cache]
    if missing:
        found = hiders(user, missing)
        cache.update({case.pk: found.get(case.pk, NOTHING) for case in missing})
        if user is not None:
            setattr(user, _CACHE, cache)
    return {case.pk: cache[case.pk] for case in cases}
