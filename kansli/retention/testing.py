"""Test helpers that build document management plans through the real action."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from kansli.org.models import Authority, Municipality, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.retention.actions import do_adopt_plan
from kansli.retention.entries import RuleRow
from kansli.retention.models import Event, Handling, Outcome, Plan

# Two rows of a typical plan: a decision kept, a request for documents disposed of two
# years after its case was closed.
DEFAULT_RULES = [
    RuleRow(
        process_code="1.1", process_title="Styra verksamheten", document_type="Beslut",
        handling=Handling.REGISTERED, outcome=Outcome.KEEP,
    ),
    RuleRow(
        process_code="1.2", process_title="Lämna ut allmän handling",
        document_type="Begäran om allmän handling", handling=Handling.REGISTERED,
        outcome=Outcome.DISPOSE, period_years=2, starting_event=Event.CASE_CLOSED,
    ),
]  # fmt: skip


def rule(document_type: str, **kwargs: Any) -> RuleRow:
    """A rule: disposed of 2 years after the case is closed unless told otherwise."""
    kwargs.setdefault("handling", Handling.REGISTERED)
    kwargs.setdefault("outcome", Outcome.DISPOSE)
    if kwargs["outcome"] == Outcome.DISPOSE:
        kwargs.setdefault("starting_event", Event.CASE_CLOSED)
        if kwargs["starting_event"] != Event.OBSOLETE and "period_months" not in kwargs:
            kwargs.setdefault("period_years", 2)
    return RuleRow(document_type=document_type, **kwargs)


def make_archivist(authority: Authority | None = None, username: str | None = None) -> User:
    return make_user(username, roles=[(Role.ARCHIVIST, authority or make_authority())])


def make_plan(
    authority: Authority | None = None,
    rules: Sequence[RuleRow | Mapping[str, Any]] = (),
    *,
    municipality: Municipality | None = None,
    valid_from: datetime.date = datetime.date(2025, 1, 1),
    **kwargs: Any,
) -> Plan:
    """A plan adopted by the system: the authority's, or with authority None (and a
    municipality, else the test municipality's) the shared one. Rules are RuleRows or
    dicts of their fields; none: DEFAULT_RULES."""
    if authority is None and municipality is None:
        municipality = make_authority().municipality
    rows = [r if isinstance(r, RuleRow) else rule(**r) for r in rules] or DEFAULT_RULES
    return do_adopt_plan(
        authority,
        rows,
        valid_from=valid_from,
        adopted_by=kwargs.pop("adopted_by", "Kommunstyrelsen"),
        decision_reference=kwargs.pop("decision_reference", "KS 2024/14 § 23"),
        decision_date=kwargs.pop("decision_date", valid_from - datetime.timedelta(days=30)),
        actor=kwargs.pop("actor", None),
        municipality=municipality,
        **kwargs,
    )
