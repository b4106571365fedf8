"""Which secrecy marking a new registration gets when nobody chose one by hand.

A marking (OSL 5 kap. 5 §) is a warning for the next secrecy review. Two things give a
document one without the registrar's hand:

- The process it is filed under: the authority sets a default provision per process in
  its classification scheme (individual social-services cases: OSL 26 kap. 1 §; a
  rehabilitation matter: OSL 39 kap. 3 §). Applied at registration; the registrar may
  register the document open only with a reason, which is audited.
- The documents it was made from: what Kansli draws up itself from a case (the officer's
  report written in the browser, the minutes extract, a delegated decision, a letter)
  carries the strongest marking among its sources, so that nobody who may not read a
  source reads it in the result.

The strongest marking is the one that withholds most from the public record (both sender
and description, then one of them, then neither); among equals, the earliest made.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kansli.registry.models import Case, Document, SecrecyProvision


@dataclass(frozen=True)
class Marking:
    provision: SecrecyProvision
    withhold_counterpart: bool
    withhold_description: bool
    marked_by: Any
    basis: str
    made_at: datetime.datetime | None = None

    @property
    def strength(self) -> int:
        return 1 + int(self.withhold_counterpart) + int(self.withhold_description)


def default_marking(case: Case, actor: Any) -> Marking | None:
    """The default of the process the case is filed under, made by `actor` now."""
    process = case.classification
    if process is None or process.default_secrecy is None:
        return None
    return Marking(
        process.default_secrecy,
        process.default_withhold_counterpart,
        process.default_withhold_description,
        actor,
        f"Standard för process {process.code}",
    )


def marking_of(document: Document) -> Marking | None:
    if document.secrecy is None:
        return None
    return Marking(
        document.secrecy,
        document.withhold_counterpart,
        document.withhold_description,
        document.secrecy_marked_by,
        f"Från handling {document.document_number}",
        document.secrecy_marked_at,
    )


def strongest(markings: Iterable[Marking | None]) -> Marking | None:
    found = [m for m in markings if m is not None]
    if not found:
        return None
    earliest = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return min(found, key=lambda m: (-m.strength, m.made_at or earliest))


def case_markings(case: Case) -> list[Marking]:
    """The markings of what a document drawn up from the whole case is made from: its
    secrecy-marked registrations that are not voided."""
    documents = case.documents.filter(voided_at=None, secrecy__isnull=False).select_related(
        "secrecy", "secrecy_marked_by", "case__authority__municipality"
    )
    return [m for m in map(marking_of, documents) if m is not None]
