"""An attacker's review of the requests for public documents: what staff who may not
read a document can learn or send of it through the request's pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from kansli.access.rules import may_read
from kansli.registry.testing import make_registrar
from kansli.requests.actions.deliver import do_deliver
from kansli.requests.actions.review import do_review_item
from kansli.requests.models import Delivery
from kansli.requests.testing import make_request
from kansli.requests.tests.delivery_data import make_data
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def test_a_registrar_who_may_not_read_a_secret_document_cannot_deliver_it_or_see_its_files() -> (
    None
):
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

    # The registrar who may read it delivers it to the requester.
    do_deliver(own, [item], "email", actor=data.registrar)
    assert [m.to for m in mail.outbox] == [["a@example.se"]]
