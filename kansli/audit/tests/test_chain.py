"""Appending to the chain: links, sequence, context and the copied actor name."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from kansli.audit import chain
from kansli.audit.chain import GENESIS, chain_hash, record, verify
from kansli.audit.context import RequestContext, current
from kansli.audit.middleware import RequestContextMiddleware
from kansli.audit.models import AuditEvent, ChainHead
from kansli.audit.tests.conftest import append_events
from kansli.org.models import User


def test_events_form_a_chain_numbered_from_one(five_events: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("seq"))

    assert [event.seq for event in stored] == [1, 2, 3, 4, 5]
    assert stored[0].prev_hash == GENESIS
    for previous, event in itertools.pairwise(stored):
        assert event.prev_hash == previous.hash
    for event in stored:
        assert chain_hash(event.prev_hash, event) == event.hash
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, stored[-1].hash)
    assert verify().ok
    assert verify().checked == 5


def test_an_empty_log_is_a_whole_chain(db: None) -> None:
    result = verify()

    assert result.ok
    assert result.checked == 0


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        record(actor=None, action="test.change")

    assert not AuditEvent.objects.exists()


def test_the_request_context_is_stored(db: None) -> None:
    anna = User.objects.create_user("anna")

    def view(request: HttpRequest) -> HttpResponse:
        record(actor=anna, action="test.viewed")
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    response = RequestContextMiddleware(view)(request)

    event = AuditEvent.objects.get()
    assert event.request_id == response["X-Request-ID"]
    assert len(event.request_id) == 32
    assert event.client_ip == "192.0.2.7"
    assert current.get() == RequestContext()  # reset after the request
    assert verify().ok


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:198.51.100.4", "::ffff:198.51.100.4"),
        ("fe80::1%eth0", "fe80::1"),
        ("", None),
        ("unix:/run/gunicorn.sock", None),
    ],
)
def test_client_addresses_are_stored_as_the_database_gives_them_back(
    db: None, remote_addr: str, stored: str | None
) -> None:
    anna = User.objects.create_user("anna")
    token = current.set(RequestContext(request_id="r1", client_ip=remote_addr))
    try:
        record(actor=anna, action="test.change")
    finally:
        current.reset(token)

    assert AuditEvent.objects.get().client_ip == stored
    assert verify().ok


def test_what_is_written_for_someone_not_signed_in_keeps_no_address(db: None) -> None:
    """TF 2 kap. 18 §: a citizen's request or e-service post runs as the system and
    leaves no address; an attempt to sign in to a staff account keeps it."""
    anna = User.objects.create_user("anna")

    def view(request: HttpRequest) -> HttpResponse:
        record(actor=None, action="test.public_form")
        record(actor=None, action="test.fail_login", obj=anna)
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().post("/", REMOTE_ADDR="203.0.113.7"))

    public, sign_in = AuditEvent.objects.order_by("seq")
    assert public.client_ip is None and public.request_id
    assert sign_in.client_ip == "203.0.113.7"
    assert verify().ok


def test_the_actor_and_a_copy_of_their_name_are_stored(db: None) -> None:
    anna = User.objects.create_user("anna", first_name="Anna", last_name="Berg")
    record(actor=anna, action="test.change", obj=anna)
    record(actor=None, action="test.change")
    nameless = User.objects.create_user("nn")
    record(actor=nameless, action="test.change")
    anna.first_name = "Annika"
    anna.save()

    first, second, third = AuditEvent.objects.order_by("seq")
    assert (first.actor_id, first.actor_label) == (anna.pk, "Anna Berg (anna)")
    assert (first.object_type, first.object_id) == ("org.user", str(anna.pk))
    assert first.object_label == "Anna Berg"
    assert (second.actor_id, second.actor_label) == (None, "system")
    assert third.actor_label == "nn"
    assert verify().ok


def test_a_very_long_actor_name_is_cut_to_fit(db: None) -> None:
    long = User.objects.create_user("x" * 150, first_name="F" * 150, last_name="L" * 150)
    record(actor=long, action="test.change")

    assert len(AuditEvent.objects.get().actor_label) == 300
    assert verify().ok


def test_values_hash_the_same_after_the_database_has_stored_them(db: None) -> None:
    record(
        actor=None,
        action="test.change",
        before={"date": datetime.date(2026, 1, 2), "ids": [3, 1]},
        after={"big": 1e16, "huge": 1.5e300, "tiny": 1e-7, "zero": -0.0, "ratio": 0.1},
    )

    event = AuditEvent.objects.get()
    assert event.before == {"date": "2026-01-02", "ids": [3, 1]}
    assert event.after == {
        "big": 10**16,
        "huge": 15 * 10**299,
        "tiny": 1e-7,
        "zero": 0.0,
        "ratio": 0.1,
    }
    assert verify().ok


def test_events_appended_while_verifying_are_not_taken_for_tampering(
    five_events: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    read_events = chain._events

    def events_then_another_commit() -> Iterator[AuditEvent]:
        events = list(read_events())
        append_events(1)  # commits after the walk's snapshot, with its chain head
        return iter(events)

    monkeypatch.setattr(chain, "_events", events_then_another_commit)

    result = verify()

    assert result.ok
    assert result.checked == 5
