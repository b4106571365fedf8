"""A plan's rules as CSV, the way archivists keep them in a spreadsheet: one row per
document type, Swedish column headers and Swedish words in the cells. What is exported
imports again to the same rules.

    column                  required   what it holds
    Processkod              no         the process's code in the classification scheme,
                                       e.g. 2.3.1; empty: the type in every process
    Process                 no         the process's title as the plan writes it
    Handlingstyp            yes        e.g. Begäran om allmän handling
    Hantering               yes        registreras (or diarieförs) / hålls ordnad
    Bevaras/gallras         yes        bevaras / gallras
    Gallringsfrist år       no         a whole number of years
    Gallringsfrist månader  no         a whole number of months
    Räknas från             no         efter ärendets avslut, efter handlingens datum,
                                       efter registrering, efter årets utgång,
                                       efter anställningens upphörande, vid inaktualitet
    Medium                  yes        papper / digitalt
    Förvaring               no         where it is kept, e.g. Ärendesystemet
    Lagrum                  no         the legal basis, e.g. OSL 26 kap.; SKR:s gallringsråd
    Sekretess               no         an OSL provision known to Kansli, e.g. OSL 26 kap. 1 §
    Anmärkning              no         anything else

Headers are case-insensitive and in any order; other columns are read past and named.
Separated by semicolons or commas (told from the header row), in UTF-8 (with or without
BOM), UTF-16 or Windows-1252 (kansli.registry.legacy_csv.decode). A cell the export
guarded against spreadsheet formulas ('=…, '-…) is read without the apostrophe. At most
MAX_BYTES: a plan is a few hundred rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kansli.csvcells import FORMULA_STARTS
from kansli.registry.legacy_csv import FileRefused, decode, garbled
from kansli.retention.entries import RuleRow
from kansli.retention.models import Event, Handling, Medium, Outcome, Plan, PlanRule

MAX_BYTES = 2 * 1024 * 1024

HEADER = [
    "Processkod", "Process", "Handlingstyp", "Hantering", "Bevaras/gallras",
    "Gallringsfrist år", "Gallringsfrist månader", "Räknas från", "Medium", "Förvaring",
    "Lagrum", "Sekretess", "Anmärkning", "Leveransfrist år",
]  # fmt: skip
REQUIRED = ["Handlingstyp", "Hantering", "Bevaras/gallras", "Medium"]

# The words of the cells, always Swedish whatever the reader's language.
HANDLING_WORDS = {Handling.REGISTERED: "registreras", Handling.KEPT_IN_ORDER: "hålls ordnad"}
OUTCOME_WORDS = {Outcome.KEEP: "bevaras", Outcome.DISPOSE: "gallras"}
EVENT_WORDS = {
    Event.CASE_CLOSED: "efter ärendets avslut",
    Event.DOCUMENT_DATE: "efter handlingens datum",
    Event.REGISTERED: "efter registrering",
    Event.YEAR_END: "efter årets utgång",
    Event.EMPLOYMENT_ENDED: "efter anställningens upphörande",
    Event.OBSOLETE: "vid inaktualitet",
}
MEDIUM_WORDS = {Medium.PAPER: "papper", Medium.DIGITAL: "digitalt"}

# What is read: the words above, and a few others archivists write.
HANDLINGS = {**{w: k for k, w in HANDLING_WORDS.items()}, "diarieförs": Handling.REGISTERED,
             "diarieföres": Handling.REGISTERED, "registrering": Handling.REGISTERED}  # fmt: skip
OUTCOMES = {**{w: k for k, w in OUTCOME_WORDS.items()}, "bevara": Outcome.KEEP,
            "gallra": Outcome.DISPOSE}  # fmt: skip
EVENTS = {
    **{w: k for k, w in EVENT_WORDS.items()},
    "inaktualitet": Event.OBSOLETE,
    "efter avslutat ärende": Event.CASE_CLOSED,
    "efter ärendets avslutande": Event.CASE_CLOSED,
    "efter upprättandet": Event.DOCUMENT_DATE,
    "efter kalenderårets utgång": Event.YEAR_END,
    "efter anställningens slut": Event.EMPLOYMENT_ENDED,
}
MEDIA = {**{w: k for k, w in MEDIUM_WORDS.items()}, "digital": Medium.DIGITAL,
         "elektroniskt": Medium.DIGITAL, "papper/analogt": Medium.PAPER}  # fmt: skip

# A lone surrogate written as UTF-8 bytes would be (CESU-8, WTF-8): ED A0–BF 80–BF.
SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def export_rows(plan: Plan) -> list[list[Any]]:
    """The plan's rules as rows under HEADER."""
    rules = plan.rules.select_related("secrecy").order_by("position")
    return [_cells(rule) for rule in rules]


def _cells(rule: PlanRule) -> list[Any]:
    return [
        rule.process_code,
        rule.process_title,
        rule.document_type,
        HANDLING_WORDS[Handling(rule.handling)],
        OUTCOME_WORDS[Outcome(rule.outcome)],
        "" if rule.period_years is None else rule.period_years,
        "" if rule.period_months is None else rule.period_months,
        EVENT_WORDS[Event(rule.starting_event)] if rule.starting_event else "",
        MEDIUM_WORDS[Medium(rule.medium)],
        rule.kept_where,
        rule.legal_basis,
        rule.secrecy.reference if rule.secrecy else "",
        rule.note,
        "" if rule.transfer_years is None else rule.transfer_years,
    ]


@dataclass
class Sheet:
    """What a file held: its rules, the faults of its rows (each naming its line) and
    the columns that were read past."""

    rows: list[RuleRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _unguarded(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_plan_csv(data: bytes) -> Sheet:
    """The rules of a file, or FileRefused (in Swedish) when the file as a whole cannot
    be read: too large, not text, a header without the required columns."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"Filen är för stor: högst {MAX_BYTES // (1024 * 1024)} MB.")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and (found := SURROGATE_BYTES.search(data)):
        line = data[: found.start()].count(b"\n") + 1
        raise FileRefused(
            f"Rad {line} innehåller ett halvt teckenpar (en ensam surrogat), som inte är "
            "text. Spara filen som UTF-8 och försök igen."
        )
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = [_plain(name).replace("\ufeff", "") for name in next(reader, [])]
        known = {_plain(column): column for column in HEADER}
        missing = [column for column in REQUIRED if _plain(column) not in names]
        if missing:
            raise FileRefused(
                f"Kolumner saknas i rubrikraden: {', '.join(missing)}. Rubrikraden ska ha "
                f"kolumnerna {', '.join(HEADER)}."
            )
        header = [known.get(name, "") for name in names]
        sheet = Sheet(ignored=[n for n, h in zip(names, header, strict=True) if not h and n])
        end = reader.line_num
        for fields in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in fields):
                continue
            values = {h: _unguarded(v) for h, v in zip(header, fields, strict=False) if h}
            row, faults = _row(values, start)
            if len(fields) > len(header):
                faults.insert(0, f"Raden har {len(fields)} fält men rubrikraden {len(header)}.")
            sheet.errors += [f"Rad {start}: {fault}" for fault in faults]
            if row is not None and not faults:
                sheet.rows.append(row)
    except csv.Error as exc:
        raise FileRefused(f"Rad {reader.line_num} kan inte läsas: {exc}.") from exc
    if not sheet.rows and not sheet.errors:
        sheet.errors.append("Filen har inga regler under rubrikraden.")
    return sheet


def _choice(
    values: dict[str, str], column: str, words: dict[str, Any], faults: list[str], say: str
) -> str:
    text = values.get(column, "").strip()
    if not text:
        return ""
    found = words.get(_plain(text))
    if found is None:
        faults.append(f"{column}: '{text}' känns inte igen. Skriv {say}.")
        return ""
    return str(found)


def _number(values: dict[str, str], column: str, faults: list[str]) -> int | None:
    text = values.get(column, "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        faults.append(f"{column}: '{text}' är inte ett heltal.")
        return None
    return int(text)


def _row(values: dict[str, str], line: int) -> tuple[RuleRow | None, list[str]]:
    faults: list[str] = []
    for column, value in values.items():
        if found := garbled(value):
            faults.append(
                f"Felkodad text i {column} ('{found}'): filen har troligen sparats i fel "
                "teckenkodning. Spara den som UTF-8 och importera igen."
            )
    handling = _choice(values, "Hantering", HANDLINGS, faults, "registreras eller hålls ordnad")
    outcome = _choice(values, "Bevaras/gallras", OUTCOMES, faults, "bevaras eller gallras")
    event = _choice(values, "Räknas från", EVENTS, faults, ", ".join(EVENT_WORDS.values()))
    medium = _choice(values, "Medium", MEDIA, faults, "papper eller digitalt")
    for column, value in [("Hantering", handling), ("Bevaras/gallras", outcome),
                          ("Medium", medium)]:  # fmt: skip
        if not value and not values.get(column, "").strip():
            faults.append(f"{column} saknas.")
    years = _number(values, "Gallringsfrist år", faults)
    months = _number(values, "Gallringsfrist månader", faults)
    transfer = _number(values, "Leveransfrist år", faults)
    if faults:
        return None, faults
    row = RuleRow(
        process_code=values.get("Processkod", "").strip(),
        process_title=values.get("Process", "").strip(),
        document_type=values.get("Handlingstyp", "").strip(),
        handling=handling,
        outcome=outcome,
        period_years=years,
        period_months=months,
        starting_event=event,
        medium=medium,
        transfer_years=transfer,
        kept_where=values.get("Förvaring", "").strip(),
        legal_basis=values.get("Lagrum", "").strip(),
        secrecy=values.get("Sekretess", "").strip(),
        note=values.get("Anmärkning", "").strip(),
        line=line,
    )
    return row, []


def as_text(rows: Iterable[list[Any]]) -> str:
    """Rows as the CSV text an export holds (no BOM), for tests and commands."""
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue()
