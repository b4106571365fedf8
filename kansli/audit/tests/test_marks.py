"""The chain head's marks: the newest event `on_record`'s functions marked as a change
(`marked_seq`) and as an addition (`added_seq`), written with the head by `record` and
`append_batch` and rolled back with them."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from kansli.audit import chain
from kansli.audit.chain import Mark, append_batch, latest_marks, latest_seq, new_event, record
from kansli.audit.models import AuditEvent
from kansli.rows import insert

pytestmark = pytest.mark.django_db
MARKS = {"test.added": Mark.ADDITION, "test.changed": Mark.CHANGE}


@pytest.fixture(autouse=True)
def by_action(monkeypatch: pytest.MonkeyPatch) -> None:
    """The only on_record functions: one marking by the action, one marking nothing
    (the strongest answer counts)."""
    monkeypatch.setattr(
        chain,
        "on_record",
        [lambda event: Mark.NONE, lambda event: MARKS.get(event.action, Mark.NONE)],
    )


def write(*actions: str) -> None:
    for action in actions:
        with transaction.atomic():
            record(actor=None, action=action)


def test_record_keeps_the_newest_change_and_addition_apart() -> None:
    assert latest_marks() == (0, 0)
    write("test.changed", "test.quiet")
    assert latest_marks() == (1, 0)
    write("test.added", "test.added", "test.quiet")
    assert latest_marks() == (1, 4)
    write("test.changed")
    assert latest_marks() == (6, 4) and latest_seq() == 6


def test_a_rolled_back_event_leaves_the_marks() -> None:
    write("test.changed", "test.added")
    with pytest.raises(Undone), transaction.atomic():
        record(actor=None, action="test.changed")
        record(actor=None, action="test.added")
        raise Undone
    assert latest_marks() == (1, 2)


class Undone(Exception):
    """Raised to roll a transaction back."""


def test_a_batch_marks_its_newest_change_and_addition() -> None:
    write("test.changed")

    def batch(*actions: str) -> None:
        with transaction.atomic():
            events = [new_event(actor=None, action=action) for action in actions]
            append_batch(events)
            for event in events:
                insert(event)

    batch("test.added", "test.changed", "test.added", "test.quiet")
    assert latest_marks() == (3, 4)
    batch("test.quiet", "test.added")
    assert latest_marks() == (3, 7)
    batch("test.quiet")
    assert latest_marks() == (3, 7) and latest_seq() == 8
    assert AuditEvent.objects.count() == 8


def test_a_batch_is_timed_under_the_heads_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events made before the lock was taken get the time they were numbered at, as
    `record`'s do: times keep the order of the numbers across transactions."""
    made, numbered = (datetime.datetime(2026, 12, 6, 3, m, tzinfo=datetime.UTC) for m in (0, 5))
    monkeypatch.setattr(timezone, "now", lambda: made)
    with transaction.atomic():
        events = [new_event(actor=None, action="test.quiet") for _ in range(3)]
        monkeypatch.setattr(timezone, "now", lambda: numbered)
        append_batch(events)
        for event in events:
            insert(event)
    assert set(AuditEvent.objects.values_list("created_at", flat=True)) == {numbered}
    assert chain.verify().broken_seq is None
