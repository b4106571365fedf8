"""The staff's overview and a request's page: who sees what, the review and the items
through the pages, and the staff's registration."""

import datetime

import pytest
from django.utils import timezone

from kansli.access.testing import make_access_group
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org import actions as org_actions
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry.actions import do_add_party, do_assign_officer, do_receive_in_inbox
from kansli.registry.testing import make_case, make_incoming, make_provision
from kansli.requests.models import AccessRequest, RequestedItem
from kansli.requests.testing import make_request
from kansli.web.testing import api_client, signed_in

pytestmark = pytest.mark.django_db


def hours_ago(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def test_the_overview_lists_the_open_requests_oldest_first_with_the_clock() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    officer = make_user("handl", roles=[(Role.OFFICER, ks)])
    newer = make_request(ks, received_at=hours_ago(2))
    older = make_request(ks, received_at=hours_ago(50), descriptions=["A", "B"])
    do_assign_officer(newer.case, officer, actor=registrar)
    page = signed_in(registrar).get("/begaran/oversikt/", HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert text.index(older.case.case_number) < text.index(newer.case.case_number)
    assert "0 av 2" in text and "arbetsdag" in text
    mine = signed_in(officer).get("/begaran/oversikt/?mina=1").content.decode()
    assert newer.case.case_number in mine and older.case.case_number not in mine
    older.answered_at = timezone.now()  # delivery (B's action) sets it; here by hand
    older.save(update_fields=["answered_at"])
    open_now = signed_in(registrar).get("/begaran/oversikt/").content.decode()
    assert older.case.case_number not in open_now
    answered = signed_in(registrar).get("/begaran/oversikt/?besvarade=1").content.decode()
    assert older.case.case_number in answered and newer.case.case_number not in answered


def test_another_municipality_sees_nothing_and_gets_404() -> None:
    ks = make_authority("KS")
    made = make_request(ks)
    elsewhere = org_actions.do_create_authority(
        make_municipality("Grannkommun"), "board", "GS", "Grannstyrelsen", actor=None
    )
    stranger = make_user("granne", roles=[(Role.REGISTRAR, elsewhere)])
    client = signed_in(stranger)
    assert made.case.case_number not in client.get("/begaran/oversikt/").content.decode()
    item = made.items.get()
    for url in [f"/begaran/{made.pk}/", f"/begaran/handling/{item.pk}/provning/",
                f"/begaran/handling/{item.pk}/overlamna/"]:  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(f"/begaran/handling/{item.pk}/ta-bort/").status_code == 404
    assert client.post(f"/begaran/{made.pk}/handlingar/", {"description": "X"}).status_code == 404
    assert RequestedItem.objects.count() == 1
    assert signed_in(make_user("ingen")).get("/begaran/oversikt/").status_code == 403


def test_a_secret_document_is_shown_by_number_only_to_who_may_not_read_it() -> None:
    ks = make_authority("KS")
    insider = make_user("insider", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [insider])
    secret = make_incoming(make_case(authority=ks), secrecy=make_provision(),
                           description="Rehabiliteringsutredning för Kim")  # fmt: skip
    made = make_request(ks, documents=[secret])
    outsider = make_user("outsider", roles=[(Role.OFFICER, ks)])
    shown = signed_in(outsider).get(f"/begaran/{made.pk}/").content.decode()
    assert secret.document_number in shown and "Rehabiliteringsutredning" not in shown
    review = signed_in(outsider).get(f"/begaran/handling/{made.items.get().pk}/provning/")
    assert "Rehabiliteringsutredning" not in review.content.decode()
    inside = signed_in(insider).get(f"/begaran/{made.pk}/").content.decode()
    assert "Rehabiliteringsutredning" in inside


def test_a_review_through_the_page_and_its_refusal_in_swedish() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    make_access_group(ks, [registrar])
    provision = make_provision("OSL 21 kap. 1 §")
    made = make_request(ks, documents=[make_incoming(make_case(authority=ks))])
    item = made.items.get()
    client = signed_in(registrar)
    url = f"/begaran/handling/{item.pk}/provning/"
    refused = client.post(url, {"review": "refuse", "reasons": ""}, HTTP_ACCEPT_LANGUAGE="sv")
    assert refused.status_code == 200
    assert "Ange vilken bestämmelse i OSL" in refused.content.decode()
    assert RequestedItem.objects.get().review == "pending"
    done = client.post(url, {"review": "refuse", "provisions": [provision.pk], "reasons": "Hälsa"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.review == "refuse" and item.reviewed_by == registrar
    page = client.get(f"/begaran/{made.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "OSL 21 kap. 1 §" in page


def test_staff_register_a_phone_request_and_manage_its_items() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    found = make_incoming(make_case(authority=ks))
    client = signed_in(registrar)
    fields = {"authority": ks.pk, "channel": "phone"}
    bad = client.post("/begaran/registrera/", fields | {"description": "x" * 5001})
    assert bad.status_code == 200 and not AccessRequest.objects.exists()
    answer = client.post("/begaran/registrera/", fields | {"description": "Bygglovet"})
    made = AccessRequest.objects.get()
    assert answer["Location"] == f"/begaran/{made.pk}/"
    assert made.channel == "phone" and made.received_by == registrar
    add = client.post(f"/begaran/{made.pk}/handlingar/", {"number": found.document_number,
                                                          "description": ""})  # fmt: skip
    assert add.status_code == 302
    assert made.items.filter(document=found).exists()
    unknown = client.post(f"/begaran/{made.pk}/handlingar/", {"number": "KS 1999/99999999999-1"},
                          HTTP_ACCEPT_LANGUAGE="sv")  # fmt: skip
    assert unknown.status_code == 200 and made.items.count() == 2
    described = made.items.get(document=None)
    linked = client.post(f"/begaran/handling/{described.pk}/koppla/",
                         {"number": found.document_number.lower()})  # fmt: skip
    assert linked.status_code == 302
    described.refresh_from_db()
    assert described.document == found
    removed = client.post(f"/begaran/handling/{described.pk}/ta-bort/")
    assert removed.status_code == 302 and made.items.count() == 1


def test_staff_find_the_requests_from_the_menu_and_an_email_becomes_a_request() -> None:
    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    client = signed_in(registrar)
    assert "/begaran/oversikt/" in client.get("/").content.decode()
    mail = samples.eml(attachments={"lista.pdf": samples.pdf("Lista")})
    item = do_receive_in_inbox(ks, store_bytes(mail, "b.eml"), "b.eml", actor=registrar)
    assert (
        f"/begaran/inkorg/{item.pk}/"
        in client.get(f"/registrera/inkorg/{item.pk}/").content.decode()
    )
    answer = client.post(f"/begaran/inkorg/{item.pk}/", {"description": "Ritningarna",
                                                        "name": "", "contact": ""})  # fmt: skip
    made = AccessRequest.objects.get()
    assert answer["Location"] == f"/begaran/{made.pk}/" and made.channel == "email"
    item.refresh_from_db()
    assert item.document is not None and item.document.case == made.case
    other = make_user("handl", roles=[(Role.OFFICER, make_authority("BN", "Byggnadsnämnden"))])
    assert signed_in(other).get(f"/begaran/inkorg/{item.pk}/").status_code == 404


def test_a_protected_identity_is_masked_on_the_request_page() -> None:
    ks = make_authority("KS")
    colleague = make_user("kollega", roles=[(Role.OFFICER, ks)])
    case = make_case("Ansökan om bistånd", authority=ks)
    do_add_party(case, "Anna Skyddsdotter", role="sökande", protected_identity=True, actor=None)
    document = make_incoming(case, description="Ansökan från Anna Skyddsdotter")
    made = make_request(ks, documents=[document])
    page = signed_in(colleague).get(f"/begaran/{made.pk}/").content.decode()
    assert document.document_number in page and "Skyddsdotter" not in page
    answer = api_client(colleague).get(f"/api/v1/requests/{made.pk}").json()
    assert "Skyddsdotter" not in str(answer)


def test_the_overview_and_the_api_list_read_the_same_number_of_times_for_more_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No query per row (the clock's closed days, the items counted, the officer)."""
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The session is renewed once a minute (SessionActivityMiddleware): a minute that
    # turns between the two counts would add its three statements to the second one.
    monkeypatch.setattr("kansli.web.middleware.time", SimpleNamespace(time=lambda: 60.0))

    ks = make_authority("KS")
    registrar = make_user("reg", roles=[(Role.REGISTRAR, ks)])
    page, api = signed_in(registrar), api_client(registrar)

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as on_page:
            assert page.get("/begaran/oversikt/").status_code == 200
        with CaptureQueriesContext(connection) as on_api:
            assert api.get("/api/v1/requests").status_code == 200
        return len(on_page), len(on_api)

    made = make_request(ks, received_at=hours_ago(30), descriptions=["A"])
    do_assign_officer(made.case, make_user(roles=[(Role.OFFICER, ks)]), actor=registrar)
    counted()  # the first use of the token and the session write once a minute
    few = counted()
    for hours in range(5):
        made = make_request(ks, received_at=hours_ago(hours + 1), descriptions=["A", "B"])
        do_assign_officer(made.case, make_user(roles=[(Role.OFFICER, ks)]), actor=registrar)
    assert counted() == few
