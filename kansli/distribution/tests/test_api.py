"""The sändlistor API: keeping a list, a remiss to it, the record of a send; JSON errors,
nothing half-saved, and 404 to those who may not read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kansli.distribution.models import Dispatch, DistributionList
from kansli.distribution.testing import make_list
from kansli.distribution.tests.test_pages import other_municipality_staff
from kansli.distribution.tests.test_sending import document_with_file
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.testing import make_case, make_registrar
from kansli.web.testing import api_client

pytestmark = pytest.mark.django_db


def test_a_registrar_keeps_a_list_through_the_api() -> None:
    ks = make_authority()
    api = api_client(make_registrar(ks))
    made = api.post(
        "/api/v1/distribution-lists", {"name": "Remissinstanser", "authority_id": ks.pk},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    list_id = made.json()["id"]
    url = f"/api/v1/distribution-lists/{list_id}/members"
    bad = api.post(url, {"kind": "extern", "channel": "brev", "name": "Trafikverket"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "postadress" in bad.content.decode()
    member_in = {"kind": "extern", "channel": "epost", "name": "Trafikverket",
                 "email": "tv@trafikverket.se"}  # fmt: skip
    good = api.post(url, member_in, content_type="application/json")
    assert good.status_code == 201
    (member,) = good.json()["members"]
    assert member["address"] == "tv@trafikverket.se"
    removed = api.delete(f"{url}/{member['id']}")
    assert removed.status_code == 200 and removed.json()["members"] == []
    officer = api_client(make_user(roles=[(Role.OFFICER, ks)]))
    refused = officer.post(url, member_in, content_type="application/json")
    assert refused.status_code == 403
    assert DistributionList.objects.get().members.count() == 0


def test_a_remiss_through_the_api_and_its_record_behind_the_gate() -> None:
    ks = make_authority()
    case = make_case("Detaljplan", authority=ks)
    document = document_with_file(case)
    dlist = make_list(ks)
    api = api_client(make_registrar(ks))
    reply_by = timezone.localdate() + datetime.timedelta(days=21)
    sent = api.post(
        f"/api/v1/documents/{document.pk}/referrals",
        {"list_id": dlist.pk, "reply_by": reply_by.isoformat()},
        content_type="application/json",
    )
    assert sent.status_code == 201
    body = sent.json()
    assert body["reply_by"] == reply_by.isoformat() and len(body["recipients"]) == 2
    assert body["registered_as"].startswith(case.case_number)
    dispatch = Dispatch.objects.get()
    outsider = api_client(other_municipality_staff())
    assert outsider.get(f"/api/v1/dispatches/{dispatch.pk}").status_code == 404
    assert outsider.get(f"/api/v1/distribution-lists/{dlist.pk}").status_code == 404
    again = outsider.post(
        f"/api/v1/documents/{document.pk}/referrals",
        {"list_id": dlist.pk, "reply_by": reply_by.isoformat()},
        content_type="application/json",
    )
    assert again.status_code == 404 and Dispatch.objects.count() == 1
