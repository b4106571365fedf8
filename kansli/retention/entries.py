"""A rule as it is given to the plan's adoption, before it is a row in the database:
read from a CSV file (kansli.retention.csvplan), typed in a test, or sent by a program.
The adoption (kansli.retention.actions.do_adopt_plan) checks every one of them."""

from __future__ import annotations

from dataclasses import dataclass

from kansli.retention.models import Medium


@dataclass(frozen=True)
class RuleRow:
    """One document type in one process (process_code "" for every process). The
    choices are the models' values (Handling, Outcome, Event, Medium); `secrecy` is an
    OSL provision known to Kansli by its reference ("OSL 26 kap. 1 §"); `line` is where
    the row stood in a file, for the messages."""

    document_type: str
    handling: str
    outcome: str
    process_code: str = ""
    process_title: str = ""
    period_years: int | None = None
    period_months: int | None = None
    starting_event: str = ""
    medium: str = Medium.DIGITAL
    transfer_years: int | None = None
    kept_where: str = ""
    legal_basis: str = ""
    secrecy: str = ""
    note: str = ""
    line: int | None = None
