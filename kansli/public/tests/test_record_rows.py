"""The e-diary's search results are read as rows (record.entries_of), the case page and
the public index from model objects (record.entries_for): both must give the same
entries, masks and all, or the list would show what the case page hides."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kansli.public.record import PRIVATE, PROTECTED, entries_for, entries_of
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_provision
from kansli.reorganisation.testing import make_world
from kansli.reorganisation.tests.test_keep_numbers import keep

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def test_rows_give_the_entries_the_models_give() -> None:
    world = make_world()
    case = world.case
    registry.do_add_party(case, "Sara Svensson", protected_identity=True, actor=None)
    registry.do_add_party(case, "Anna Andersson", identity_number="19800101-1234", actor=None)

    def register(
        description: str,
        counterpart: str,
        *,
        secrecy: Any = None,
        withhold: bool = False,
        counterpart_is_private: bool = False,
        document_type: str = "",
    ) -> Document:
        return registry.do_register_document(
            case, "inkommen", YESTERDAY, description, counterpart=counterpart, secrecy=secrecy,
            withhold_counterpart=withhold, withhold_description=withhold,
            counterpart_is_private=counterpart_is_private, document_type=document_type,
            actor=None,
        )  # fmt: skip

    made = [
        register("Brev från Sara Svensson", "Sara Svensson"),
        register("Ansökan, Anna Andersson 19800101-1234", "Anna Andersson"),
        register("Synpunkt", "Bo Berg <bo@example.se>", counterpart_is_private=True),
        register("Läkarintyg", "Vårdcentralen", secrecy=make_provision(), withhold=True),
        register("Fel registrerad", "Länsstyrelsen", document_type="Remissvar"),
        world.secret,
    ]
    registry.do_void_document(made[-2], "Registrerad två gånger", actor=None)
    # Registered at 23:30 UTC: the next day in Stockholm.
    late = datetime.datetime.combine(YESTERDAY, datetime.time(23, 30), tzinfo=datetime.UTC)
    Document.objects.filter(pk=made[0].pk).update(registered_at=late)
    keep(world)  # the case moves to KS and keeps its KFN number (a series of its own)
    ids = [document.pk for document in made]
    models = Document.objects.filter(pk__in=ids).select_related(
        "case__authority__municipality", "secrecy"
    )
    by_id = {document.pk: document for document in models}
    expected = entries_for([by_id[pk] for pk in reversed(ids)])

    assert entries_of([*reversed(ids), 0]) == expected  # in the order asked; 0 is gone
    assert {entry.counterpart for entry in expected} >= {PROTECTED, PRIVATE}
    assert {entry.case_series for entry in expected} == {"KFN"}
    assert {entry.authority_code for entry in expected} == {"KS"}
    assert sum(entry.voided for entry in expected) == 1
    assert {entry.registered_on for entry in expected} == {timezone.localdate()}
    assert entries_of([]) == []
