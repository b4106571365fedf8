"""An attacker's review of the requests for public documents: what staff who may not
read a document can learn or send of it through the request's pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.access.actions import READ_ACTION
from kansli.access.rules import may_read
from kansli.audit.models import AuditEvent
from kansli.meetings.actions.delegation import do_add_delegation_point
from kansli.meetings.models import DelegatedDecision
from kansli.org.models import Authority, Role, User
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_registrar
from kansli.requests.actions.deliver import do_deliver
from kansli.requests.actions.refuse import do_refuse
from kansli.requests.actions.review import do_refer_item, do_review_item
from kansli.requests.models import AccessRequest, Delivery
from kansli.requests.testing import make_request
from kansli.requests.tests.delivery_data import make_data
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


def test_a_registrar_who_may_not_read_a_secret_document_cannot_deliver_it_or_see_its_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The person a medical certificate is about asks for it: disclosed to them (OSL 12
    # kap. 1 §), still secret to everyone else, colleagues outside the group too.
    data = make_data()
    certificate = data.refused.document
    assert certificate is not None and certificate.secrecy is not None
    own = make_request(certificate.case.authority, documents=[certificate], contact="a@example.se")
    item = do_review_item(own.items.get(), "disclose", actor=data.registrar)
    outsider = make_registrar(certificate.case.authority, "utanfor")
    assert not may_read(outsider, certificate)

    with pytest.raises(PermissionDenied):
        do_deliver(own, [item], "email", address="utanfor@example.se", actor=outsider)
    confirm = signed_in(outsider).post(
        f"/begaran/{own.pk}/leverera/", {"items": [item.pk], "method": "email"}
    )
    assert "intyg.pdf" not in confirm.content.decode()
    assert (Delivery.objects.count(), len(mail.outbox)) == (0, 0)

    # The registrar who may read it delivers it to the requester. The delivery's
    # registered document and its cover letter name the file: as secret as the source.
    with django_capture_on_commit_callbacks(execute=True):
        do_deliver(own, [item], "email", actor=data.registrar)
    assert [m.to for m in mail.outbox] == [["a@example.se"]]
    sent = own.case.documents.get(document_type="Utlämnande av allmän handling")
    assert sent.secrecy == certificate.secrecy
    assert may_read(data.registrar, sent) and not may_read(outsider, sent)


def test_the_api_takes_an_arrival_time_without_a_zone_as_swedish_time() -> None:
    ks = make_authority("KS")
    client = api_client(make_registrar(ks))
    body = {"authority": "KS", "description": "Protokollet", "channel": "phone",
            "received_at": "2026-12-01T09:30:00"}  # fmt: skip
    answer = client.post("/api/v1/requests", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201
    made = AccessRequest.objects.get()
    assert timezone.localtime(made.received_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 09:30"
    future = body | {"received_at": "2200-01-01T00:00:00"}
    refused = client.post("/api/v1/requests", json.dumps(future), content_type="application/json")
    assert refused.status_code == 422 and "framtiden" in refused.json()["detail"]
    assert AccessRequest.objects.count() == 1


def test_a_requester_sent_a_redacted_copy_is_told_they_may_ask_for_a_written_decision(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Redaction withholds part of a document: a refusal in part (OSL 6 kap. 3 and 7 §§).
    data = make_data()
    do_refer_item(data.refused, "Socialnämnden", "Deras handling.", actor=data.registrar)
    with django_capture_on_commit_callbacks(execute=True):
        do_deliver(data.request, [data.disclosed, data.redacted], "email", actor=data.registrar)
    (sent,) = mail.outbox
    assert "skriftligt beslut" in sent.body and "6 kap. 7 §" in sent.body


def delegation(authority: Authority) -> tuple[User, User]:
    chief = make_user(
        "kanslichefen", first_name="Karin", last_name="Chef", roles=[(Role.OFFICER, authority)]
    )
    substitute = make_user(
        "ersattaren", first_name="Erik", last_name="Ersätt", roles=[(Role.OFFICER, authority)]
    )
    do_add_delegation_point(
        authority, "2.1", "Beslut om att inte lämna ut allmän handling", "Kanslichef",
        delegates=[chief, substitute], actor=None,
    )  # fmt: skip
    return chief, substitute


def test_a_substitute_refuses_only_in_the_place_of_the_delegate_named() -> None:
    data = make_data()
    _chief, substitute = delegation(data.request.authority)
    with pytest.raises((PermissionDenied, ValidationError)):
        do_refuse(data.request, [data.refused], "Hälsa.", actor=substitute)


def test_a_refusal_is_a_delegated_decision_reported_to_the_board() -> None:
    data = make_data()
    chief, _substitute = delegation(data.request.authority)
    do_refuse(data.request, [data.refused], "Hälsa.", actor=chief)
    assert DelegatedDecision.objects.filter(point__code="2.1", decided_by=chief).exists()


def test_a_page_image_of_a_secret_document_fetched_directly_is_a_logged_read() -> None:
    data = make_data()
    url = f"/begaran/{data.request.pk}/handling/{data.redacted.pk}/maskera/sida/2.png"
    image = signed_in(data.registrar).get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    read = AuditEvent.objects.get(action=READ_ACTION, actor=data.registrar)
    assert read.object_id == str(data.redacted.document_id)
    outsider = make_registrar(data.request.authority, "utanfor")
    assert signed_in(outsider).get(url).status_code == 404
    assert AuditEvent.objects.filter(action=READ_ACTION).count() == 1


def test_a_written_decision_can_be_had_on_conditions_to_appeal_them() -> None:
    data = make_data()
    chief, _substitute = delegation(data.request.authority)
    decision = do_refuse(data.request, [data.conditioned], "Uppgifterna rör annan.", actor=chief)
    assert list(decision.items.all()) == [data.conditioned]
