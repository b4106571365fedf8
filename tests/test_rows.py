"""kansli.rows: the plain INSERT stores exactly what Model.save() would."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kansli import rows
from kansli.audit.models import AuditEvent
from kansli.registry.models import TimelineEntry
from kansli.registry.testing import make_case, make_registrar

pytestmark = pytest.mark.django_db


def test_insert_stores_what_save_would() -> None:
    case = make_case("Bygglov för förråd")
    actor = make_registrar()
    at = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 30, 15, 123456))
    with transaction.atomic():
        fast = rows.insert(TimelineEntry(case=case, at=at, actor=actor, kind="note", text="Åtgärd"))
    saved = TimelineEntry.objects.create(case=case, at=at, actor=actor, kind="note", text="Åtgärd")
    fields = ["case_id", "at", "actor_id", "kind", "text"]
    read = TimelineEntry.objects.values(*fields)
    assert fast.pk is not None and fast.pk != saved.pk
    assert read.get(pk=fast.pk) == read.get(pk=saved.pk)
    assert not fast._state.adding


def test_insert_turns_database_errors_into_djangos() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(TimelineEntry(case=make_case(), at=timezone.now(), kind="note", text=None))


def test_execute_takes_percent_placeholders_on_both_databases() -> None:
    make_case("Detaljplan för Norra hamnen")
    found = rows.execute(
        "SELECT count(*) FROM registry_case WHERE title = %s", ["Detaljplan för Norra hamnen"]
    )
    assert found.fetchone()[0] == 1
    assert AuditEvent.objects.filter(action="registry.register_case").count() == 1
