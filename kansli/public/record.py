"""A registration as the public e-diary shows it: the OSL 5 kap. 2 § fields (date,
number, sender or recipient, in short what it concerns), with every withheld, protected
or private name replaced before it leaves the server. Both the pages, the JSON API and
the public search index are made from this, so they cannot differ."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.utils import timezone

from kansli.access.protected import names_pattern
from kansli.org.models import case_number
from kansli.registry import personal_numbers
from kansli.registry.models import Direction
from kansli.registry.models.documents import document_number
from kansli.rows import execute

WITHHELD = "Uppgift sekretessmarkerad ({reference})"
PROTECTED = "Skyddad personuppgift"
PRIVATE = "Privatperson"
PERSONAL_NUMBER = "Personnummer"
EMAIL = "E-postadress"
# The directions' names (translated when shown): get_direction_display() hashed every
# choice's lazy name on each call, half the cost of an entry.
DIRECTIONS = dict(Direction.choices)
_EMAIL = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?")


def is_personal_number(identity_number: str) -> bool:
    """Whether a party's identity number is a person's (personnummer or
    samordningsnummer) rather than an organisation's: an organisation number's third
    digit is 2 or more (SKV 709), a person's is a month (0 or 1)."""
    digits = re.sub(r"\D", "", identity_number)
    if len(digits) == 12:
        digits = digits[2:]
    return len(digits) == 10 and digits[2] in "01"


@dataclass(frozen=True)
class Masks:
    """The names to leave out of one case's public registrations."""

    protected: tuple[str, ...]
    private: tuple[str, ...]
    mask_private: bool


def masks_from(
    parties: Iterable[tuple[str, str, bool]],
    mask_private: bool,
    private_counterparts: Iterable[str] = (),
) -> Masks:
    """Masks from a case's parties as (name, identity number, protected identity) and
    the counterparts any of its documents marks as a private person: "private person"
    belongs to the person, so the reply to a private person's letter hides the name the
    letter hid."""
    protected, private = [], []
    for name, number, hidden in parties:
        if hidden:
            protected.append(name)
        elif mask_private and is_personal_number(number):
            private.append(name)
    if mask_private:
        private += [name for name in private_counterparts if name.strip()]
    return Masks(tuple(protected), tuple(dict.fromkeys(private)), mask_private)


def masks_for(case: Any) -> Masks:
    return masks_for_cases([case])[case.pk]


def masks_for_cases(cases: Iterable[Any]) -> dict[int, Masks]:
    """The masks of each case (by id): their policies, parties and private senders read
    in three plain statements however many cases there are (every page of the public
    diary asks, and composing them through the ORM cost more than running them)."""
    by_id = {case.pk: case for case in cases}
    if not by_id:
        return {}
    authorities = sorted({case.authority_id for case in by_id.values()})
    ids = sorted(by_id)
    policies = {
        authority: bool(mask)
        for authority, mask in _rows(
            "SELECT authority_id, mask_private_names FROM public_diarypolicy "
            "WHERE authority_id IN ({})", authorities,
        )
    }  # fmt: skip
    parties: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for case_id, name, number, hidden in _rows(
        "SELECT case_id, name, identity_number, protected_identity FROM registry_party "
        "WHERE case_id IN ({}) ORDER BY id", ids,
    ):  # fmt: skip
        parties[case_id].append((name, number, bool(hidden)))
    private: dict[int, list[str]] = defaultdict(list)
    for case_id, name in _rows(
        "SELECT case_id, counterpart FROM registry_document "
        "WHERE counterpart_is_private = %s AND case_id IN ({})", ids, [True],
    ):  # fmt: skip
        private[case_id].append(name)
    return {
        pk: masks_from(parties[pk], policies.get(case.authority_id, True), private[pk])
        for pk, case in by_id.items()
    }


def _rows(sql: str, ids: Sequence[int], first: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of `sql` with its "{}" filled by one placeholder per id (only
    placeholders go into the statement)."""
    marks = ", ".join(["%s"] * len(ids))
    return list(execute(sql.format(marks), [*first, *ids]).fetchall())


def scrub(text: str, masks: Masks) -> str:
    """`text` with the names of protected and (by policy) private parties replaced, and
    every personal identity number: published, it is personal data beyond what the
    diary is for (GDPR art. 5.1 c and 87, lag (2018:218) 3 kap. 10 §)."""
    for names, replacement in ((masks.protected, PROTECTED), (masks.private, PRIVATE)):
        # Any spacing between the words of a name, surname first too ("Svensson, Sara"),
        # as the staff's pages hide them (kansli.access.protected).
        pattern = names_pattern(names)
        if pattern is not None:
            text = pattern.sub(f"[{replacement}]", text)
    return _hide_numbers_and_addresses(text)


def _hide_numbers_and_addresses(text: str) -> str:
    """Personal identity numbers and e-mail addresses out (the diary shows who, not how
    to reach them: a private person's address is never published)."""
    text = _EMAIL.sub(f"[{EMAIL}]", text)
    return personal_numbers.mask(text, f"[{PERSONAL_NUMBER}]")


@dataclass(frozen=True)
class PublicEntry:
    """One registration in the public e-diary."""

    document_id: int
    case_id: int
    document_number: str
    case_number: str
    case_series: str  # the number's series: the authority's code, or a moved case's old one
    case_year: int
    case_serial: int
    case_title: str
    authority_code: str
    authority_name: str
    direction: str
    direction_label: str
    document_date: datetime.date
    registered_on: datetime.date
    counterpart: str
    description: str
    document_type: str
    secret: bool
    voided: bool


def counterpart(document: Any, masks: Masks) -> str:
    name = document.counterpart
    if not name:
        return ""
    if document.secrecy_id and document.withhold_counterpart:
        return WITHHELD.format(reference=document.secrecy.reference)
    protected = names_pattern(masks.protected)
    if protected is not None and protected.search(name):
        return PROTECTED
    private = names_pattern(masks.private)  # the whole name is the person's, any order
    private_party = private is not None and any(
        private.fullmatch(written.strip()) for written in (name, _name_only(name))
    )
    if masks.mask_private and (document.counterpart_is_private or private_party):
        return PRIVATE
    return _hide_numbers_and_addresses(_name_only(name) or name)


def _name_only(counterpart: str) -> str:
    """The name of "Name <address>" (as an e-mail client writes a sender)."""
    return counterpart.split("<", 1)[0].strip()


def description(document: Any, masks: Masks) -> str:
    if document.secrecy_id and document.withhold_description:
        return WITHHELD.format(reference=document.secrecy.reference)
    return scrub(document.description, masks)


def public_entry(document: Any, masks: Masks) -> PublicEntry:
    """`document` with its case, the case's authority and municipality, and its secrecy
    provision at hand (select_related) for a list."""
    case = document.case
    return PublicEntry(
        document_id=document.pk,
        case_id=case.pk,
        document_number=document.document_number,
        case_number=case.case_number,
        case_series=case.series_code,
        case_year=case.year,
        case_serial=case.number,
        case_title=scrub(case.title, masks),
        authority_code=case.authority.code,
        authority_name=case.authority.name,
        direction=document.direction,
        direction_label=str(DIRECTIONS.get(document.direction, document.direction)),
        document_date=document.document_date,
        registered_on=timezone.localdate(document.registered_at),
        counterpart=counterpart(document, masks),
        description=description(document, masks),
        document_type=scrub(document.document_type, masks),  # free text: a name may be in it
        secret=document.secrecy_id is not None,
        voided=document.voided_at is not None,
    )


def entries_for(documents: Sequence[Any]) -> list[PublicEntry]:
    """Public entries for a page of documents (with case, authority, municipality and
    secrecy provision selected, or entries_of's rows), their cases' masks read in
    three statements."""
    masks = masks_for_cases(document.case for document in documents)
    return [public_entry(document, masks[document.case_id]) for document in documents]


def entries_of(ids: Sequence[int]) -> list[PublicEntry]:
    """Public entries for the registrations with these ids, in their order (one that is
    gone is left out): what public_entry reads of each read as one row, in one
    statement, instead of five model objects a registration."""
    if not ids:
        return []
    by_id = {row[0]: _registration(row) for row in _rows(ENTRY_ROWS, ids)}
    documents = [by_id[pk] for pk in ids if pk in by_id]
    return entries_for(documents)


# What public_entry and masks_for_cases read of a registration, its case and authority,
# the municipality's number format and the secrecy provision.
ENTRY_ROWS = """
SELECT d.id, d.number, d.direction, d.document_date, d.registered_at, d.counterpart,
       d.counterpart_is_private, d.description, d.document_type, d.secrecy_id,
       d.withhold_counterpart, d.withhold_description, d.voided_at, p.reference,
       c.id, c.title, c.year, c.number, COALESCE(s.code, a.code), a.id, a.code, a.name,
       m.case_number_format
FROM registry_document d
JOIN registry_case c ON c.id = d.case_id
JOIN org_authority a ON a.id = c.authority_id
JOIN org_municipality m ON m.id = a.municipality_id
LEFT JOIN org_authority s ON s.id = c.series_id
LEFT JOIN registry_secrecyprovision p ON p.id = d.secrecy_id
WHERE d.id IN ({})"""


class _Authority(NamedTuple):
    code: str
    name: str


class _Secrecy(NamedTuple):
    reference: str


class _Case(NamedTuple):
    pk: int
    title: str
    year: int
    number: int
    series_code: str
    authority_id: int
    authority: _Authority
    case_number: str


class _Registration(NamedTuple):
    """A row of ENTRY_ROWS with the names public_entry reads of a Document."""

    pk: int
    case_id: int
    case: _Case
    document_number: str
    direction: str
    document_date: datetime.date
    registered_at: datetime.datetime
    counterpart: str
    counterpart_is_private: bool
    description: str
    document_type: str
    secrecy_id: int | None
    secrecy: _Secrecy | None
    withhold_counterpart: bool
    withhold_description: bool
    voided_at: datetime.datetime | None


def _registration(row: Sequence[Any]) -> _Registration:
    (pk, number, direction, day, registered_at, name, private, text, kind, secrecy_id,
     withhold_name, withhold_text, voided_at, reference, case_id, title, year, serial,
     series, authority_id, code, authority_name, number_format) = row  # fmt: skip
    number_in_series = case_number(number_format, series, year, serial)
    case = _Case(case_id, title, year, serial, series, authority_id,
                 _Authority(code, authority_name), number_in_series)  # fmt: skip
    if timezone.is_naive(registered_at):  # SQLite keeps times without their zone
        registered_at = timezone.make_aware(registered_at, connection.timezone)
    return _Registration(
        pk, case_id, case, document_number(number_in_series, number), direction, day,
        registered_at, name, bool(private), text, kind, secrecy_id,
        _Secrecy(reference) if reference is not None else None, bool(withhold_name),
        bool(withhold_text), voided_at,
    )  # fmt: skip
