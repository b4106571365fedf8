"""The order of a registration's statements: the rows every registrar waits for (the
series' counter, the case's document counter, the audit chain head) are locked as late
as possible and held until the commit, so reads come first and the audit event last."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from kansli.audit.chain import verify
from kansli.org.testing import make_authority
from kansli.registry import actions
from kansli.registry.models import CaseCounter
from kansli.registry.numbering import next_case_number
from kansli.registry.testing import make_case
from kansli.search import index as search_index

pytestmark = pytest.mark.django_db


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement SQLite runs, the driver's own included (kansli.rows bypasses
    Django's query log), without the savepoints of the test's transaction and the
    full-text tables' own statements (traced as comments)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trace callback lists the statements")
    seen: list[str] = []
    connection.ensure_connection()
    connection.connection.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        connection.connection.set_trace_callback(None)
    seen[:] = [s for s in seen if "SAVEPOINT" not in s.upper() and not s.startswith("--")]


def first(seen: list[str], match: Callable[[str], bool]) -> int:
    return next(n for n, statement in enumerate(seen) if match(statement))


def is_read(statement: str) -> bool:
    return statement.lstrip().upper().startswith("SELECT")


def audit_tail(seen: list[str]) -> list[str]:
    """The statements from the chain head's advance on, in the words that tell them."""
    tail = seen[first(seen, lambda s: "UPDATE audit_chainhead SET seq" in s) :]
    return [" ".join(s.replace('"', "").split()[:3]) for s in tail]


def test_a_case_takes_its_number_after_every_read_and_the_chain_last() -> None:
    authority = make_authority("KS")
    make_case("Det första ärendet", authority=authority)  # the series' counter row exists
    with statements() as seen:
        case = actions.do_register_case(
            authority, "Bygglov", parties=[{"name": "Anna Andersson"}], actor=None
        )
    number = first(seen, lambda s: "UPDATE registry_casecounter" in s)
    assert not any(is_read(s) for s in seen[number:]), seen[number:]
    assert audit_tail(seen) == [
        "UPDATE audit_chainhead SET", "INSERT INTO audit_auditevent", "UPDATE audit_chainhead SET"
    ]  # fmt: skip
    assert case.number == 2
    assert verify().ok


def test_a_document_reads_the_closed_days_before_its_number_and_the_chain_last() -> None:
    case = make_case()
    with statements() as seen:
        document = actions.do_register_document(
            case, "inkommen", timezone.localdate() - datetime.timedelta(days=3), "Skrivelse",
            counterpart="Anna Andersson", actor=None,
        )  # fmt: skip
    number = first(seen, lambda s: "UPDATE registry_case SET last_document_number" in s)
    closed = first(seen, lambda s: "workdays_closedday" in s)
    assert closed < number
    assert audit_tail(seen) == [
        "UPDATE audit_chainhead SET", "INSERT INTO audit_auditevent", "UPDATE audit_chainhead SET"
    ]  # fmt: skip
    assert document.number == 1
    assert verify().ok


def test_a_new_case_is_indexed_as_index_case_would() -> None:
    """index_new_case writes the case's row from what the action holds: the same row as
    reading it all back, a protected party's name left out (OSL 21 kap. 3 §)."""
    case = actions.do_register_case(
        make_authority(),
        "Skyddat boende",
        parties=[
            {"name": "Tove Hemlig", "protected_identity": True},
            {"name": "Bo Öppen", "identity_number": "19800101-1234"},
        ],
        actor=None,
    )
    written = index_row(case.pk)
    search_index.index_case(case)
    assert index_row(case.pk) == written
    assert "skydd" in written[0].lower() and "hemlig" not in written[0].lower()


def index_row(case_id: int) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, facets FROM search_case WHERE rowid = %s", [case_id])
        return tuple(str(value) for value in cursor.fetchone())


def test_a_new_year_starts_its_series_at_one() -> None:
    authority = make_authority()
    with transaction.atomic():
        assert [next_case_number(authority, 2031) for _ in range(3)] == [1, 2, 3]
    assert CaseCounter.objects.get(authority=authority, year=2031).last_number == 3
