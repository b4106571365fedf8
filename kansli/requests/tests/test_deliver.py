from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from kansli.audit.models import AuditEvent
from kansli.org.actions import do_create_authority
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_municipality, make_user
from kansli.registry.models import DocumentFile
from kansli.requests.actions.deliver import MAX_REASON, do_deliver, do_revoke_link
from kansli.requests.models import Delivery, RequestedItem
from kansli.requests.tests.delivery_data import make_data
from kansli.web.testing import signed_in

pytestmark = pytest.mark.django_db


def file_of(item: RequestedItem) -> DocumentFile:
    assert item.document is not None
    return item.document.files.get()


def test_e_mail_delivery_attaches_exactly_what_was_disclosed_with_the_fee_recorded(
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = make_data()
    items = [data.disclosed, data.conditioned, data.redacted, data.refused]
    with django_capture_on_commit_callbacks(execute=True):  # mailed once committed
        delivery, link = do_deliver(
            data.request, items, "email", fee_shown=Decimal(62), actor=data.registrar
        )
    # 12 + 1 + 3 pages (the refused document none): 50 kr for ten, 2 kr for six more.
    assert (delivery.pages, delivery.fee, link) == (16, Decimal(62), "")
    [message] = mail.outbox
    assert message.to == ["anna@example.se"]
    names = sorted(name for name, _content, _type in message.attachments)
    assert names == ["karta.pdf", "protokoll.pdf", "utredning-maskerad.pdf"]
    assert "Får inte publiceras." in message.body  # the condition goes with it
    assert "6 kap. 7 §" in message.body  # told they may ask for a written decision
    sent = data.request.case.documents.get(document_type="Utlämnande av allmän handling")
    assert "Utlämnande av allmän handling" in sent.description
    with sent.files.get(name="Följebrev.pdf").stored.open() as handle:
        cover = " ".join(" ".join(p.extract_text() for p in PdfReader(handle).pages).split())
    assert str(data.refused) in cover and "Får inte publiceras." in cover
    assert "16 sidor. Avgift: 62" in cover and "6 kap. 7 §" in cover
    assert "Till: Anna" in cover and "Du begärde den" in cover and "Anna begärde" not in cover
    assert "överklaga hos kammarrätten" in cover  # no förvaltningsrätt configured: no guess
    data.request.refresh_from_db()
    assert data.request.answered_at is not None


def test_an_unverified_redaction_is_not_delivered_and_nothing_is_saved() -> None:
    data = make_data(verified=False)
    with pytest.raises(ValidationError, match="maskerad kopia som kontrollerats"):
        do_deliver(data.request, [data.disclosed, data.redacted], "email", actor=data.registrar)
    assert (Delivery.objects.count(), len(mail.outbox)) == (0, 0)


def test_a_pending_item_and_a_changed_fee_refuse_the_delivery() -> None:
    data = make_data()
    data.disclosed.review = "pending"
    data.disclosed.save()
    with pytest.raises(ValidationError, match="inte prövad"):
        do_deliver(
            data.request, [data.disclosed], "post", address="Storgatan 1", actor=data.registrar
        )
    with pytest.raises(ValidationError, match="Avgiften är nu 0"):
        do_deliver(
            data.request,
            [data.conditioned],
            "post",
            address="Storgatan 1",
            fee_shown=Decimal(50),
            actor=data.registrar,
        )
    assert Delivery.objects.count() == 0


def test_the_link_gives_this_delivery_s_files_counted_and_audited_without_the_fetcher() -> None:
    data = make_data(contact="")
    _delivery, link = do_deliver(
        data.request, [data.disclosed, data.redacted], "link", actor=data.registrar
    )
    assert mail.outbox == []  # no e-mail address: the officer hands the link on
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Spårbar/1.0")
    page = client.get("/" + path)
    assert page.status_code == 200
    text = page.content.decode()
    assert "protokoll.pdf" in text and "utredning-maskerad.pdf" in text
    assert "utredning.pdf" not in text and "intyg.pdf" not in text
    assert "skriftligt beslut" in text  # one document was refused (OSL 6 kap. 7 §)
    first = file_of(data.disclosed)
    got = client.get(f"/{path}{first.pk}/")
    assert got.status_code == 200
    assert got.getvalue().startswith(b"%PDF")
    # Another file of Kansli through the same link: not there.
    other = file_of(data.refused)
    assert client.get(f"/{path}{other.pk}/").status_code == 404
    delivery = Delivery.objects.get()
    assert delivery.downloads == 1
    event = AuditEvent.objects.get(action="requests.download")
    assert event.client_ip is None
    assert "203.0.113.9" not in str(event.after) and "Spårbar" not in str(event.after)
    # Fetched again and again: counted, but the audit chain holds the first only.
    for _ in range(3):
        assert client.get(f"/{path}{first.pk}/").status_code == 200
    assert data.redacted.redacted is not None
    second = data.redacted.redacted.files.get()
    assert client.get(f"/{path}{second.pk}/").status_code == 200
    delivery.refresh_from_db()
    assert delivery.downloads == 5
    events = AuditEvent.objects.filter(action="requests.download")
    assert sorted((e.after or {})["file"] for e in events) == sorted([first.pk, second.pk])


def test_an_expired_or_tampered_link_is_a_swedish_404(settings: object) -> None:
    data = make_data(contact="")
    settings.DELIVERY_LINK_DAYS = 0  # type: ignore[attr-defined]
    _delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    expired = client.get(path)
    assert expired.status_code == 404
    assert "har gått ut" in expired.content.decode()
    settings.DELIVERY_LINK_DAYS = 14  # type: ignore[attr-defined]
    _delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    assert client.get(path.replace(":", ";", 1)).status_code == 404
    assert client.get(path[:-3] + "x/").status_code == 404


def test_only_staff_who_read_the_request_s_case_see_its_delivery_and_refusal_pages() -> None:
    data = make_data()
    elsewhere = do_create_authority(
        make_municipality("Annan kommun"), "board", "BN", "Byggnämnden", actor=None
    )
    outsiders = [make_user("annan", roles=[(Role.REGISTRAR, elsewhere)]), make_user("ingen")]
    for name in ("leverera", "avslag"):
        url = f"/begaran/{data.request.pk}/{name}/"
        assert signed_in(data.registrar).get(url).status_code == 200
        for outsider in outsiders:
            assert signed_in(outsider).get(url).status_code == 404
            stolen = signed_in(outsider).post(
                url,
                {
                    "items": [data.disclosed.pk],
                    "step": "send",
                    "method": "post",
                    "address": "x",
                    "do": "ask",
                },
            )
            assert stolen.status_code == 404
    # A colleague of another board reads the case but may not deliver for KS.
    colleague = make_user("kollega", roles=[(Role.REGISTRAR, make_authority("BN2", "Nämnden"))])
    refused = signed_in(colleague).post(
        f"/begaran/{data.request.pk}/leverera/",
        {"items": [data.disclosed.pk], "method": "post", "address": "x", "step": "send"},
    )
    assert refused.status_code == 403
    assert Delivery.objects.count() == 0
    data.request.refresh_from_db()
    assert data.request.decision_asked_at is None


@pytest.mark.django_db(transaction=True)  # as served: the preview runs in no transaction
def test_the_officer_confirms_the_fee_before_sending() -> None:
    data = make_data()
    client = signed_in(data.registrar)
    url = f"/begaran/{data.request.pk}/leverera/"
    form = {"items": [data.disclosed.pk], "method": "email"}
    confirm = client.post(url, form)
    assert confirm.status_code == 200
    assert "12 sidor" in confirm.content.decode() and "54" in confirm.content.decode()
    assert Delivery.objects.count() == 0
    sent = client.post(url, form | {"step": "send", "fee": "54.00"})
    assert sent.status_code == 302
    assert Delivery.objects.get().fee == Decimal(54)
    page = client.get(f"/begaran/{data.request.pk}/").content.decode()
    assert "Utlämnanden" in page and "avgift 54,00 kr" in page
    bad = client.post(url, {"items": [data.refused.pk], "method": "email", "step": "send"})
    assert bad.status_code == 400
    assert "Inget av det valda ska lämnas ut." in bad.content.decode()


def test_a_link_to_an_e_mail_address_is_e_mailed_without_the_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = make_data()
    with django_capture_on_commit_callbacks(execute=True):
        _delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    [message] = mail.outbox
    assert link in message.body and message.attachments == []


def test_a_mail_server_that_fails_leaves_the_delivery_registered_and_no_address_logged(
    django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    """The mail goes once the delivery is committed, so a hung or failing server never
    holds the audit chain; its failure is logged by the delivery, not the address."""
    from unittest import mock

    data = make_data()
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("anna@example.se")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        delivery, _link = do_deliver(data.request, [data.disclosed], "email", actor=data.registrar)
    assert Delivery.objects.get() == delivery and mail.outbox == []
    assert f"delivery {delivery.pk}" in caplog.text and "anna@example.se" not in caplog.text


def test_the_delivery_s_registration_names_items_by_number_never_in_the_requester_s_words(
) -> None:  # fmt: skip
    """An item without a document (referred elsewhere) is the requester's own text: the
    outgoing document's description, which the public e-diary shows, does not carry it."""
    from kansli.requests.actions.intake import do_add_item
    from kansli.requests.actions.review import do_refer_item

    data = make_data(contact="")
    words = "Min sons journal från BUP, Kalle K"
    described = do_add_item(data.request, description=words, actor=data.registrar)
    do_refer_item(described, "Region Dalarna", "Vården", actor=data.registrar)
    do_deliver(data.request, [data.disclosed, described], "link", actor=data.registrar)

    case = data.request.case
    page = Client().get(f"/diarium/{case.authority.code}/{case.year}/{case.number}/")
    assert "Kalle" not in page.content.decode() and "beskriven handling" in page.content.decode()
    assert Client().get("/api/v1/public/diary", {"q": "journal"}).json()["entries"] == []


def test_a_withdrawn_link_opens_nothing_and_says_why_in_the_case() -> None:
    data = make_data(contact="")
    delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    file_path = f"{path}{file_of(data.disclosed).pk}/"
    public = Client()
    assert public.get(file_path).status_code == 200
    staff = signed_in(data.registrar)
    page = staff.get(f"/begaran/{data.request.pk}/leverera/").content.decode()
    assert f"/begaran/utlamnande/{delivery.pk}/dra-tillbaka/" in page
    url = f"/begaran/utlamnande/{delivery.pk}/dra-tillbaka/"
    refused = staff.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "Ange varför länken dras tillbaka." in refused
    too_long = staff.post(url, {"reason": "å" * (MAX_REASON + 1)}, follow=True)
    assert f"högst {MAX_REASON} tecken" in too_long.content.decode()
    assert public.get(path).status_code == 200  # nothing changed by the refusals
    assert not AuditEvent.objects.filter(action="requests.revoke_link").exists()
    staff.post(url, {"reason": "Skickad till fel adress."})
    for gone in (path, file_path):
        answer = public.get(gone)
        assert answer.status_code == 404 and "protokoll" not in answer.content.decode()
    delivery.refresh_from_db()
    assert delivery.link_revoked_by == data.registrar and not delivery.link_open
    event = AuditEvent.objects.get(action="requests.revoke_link")
    assert event.after == {"reason": "Skickad till fel adress.", "downloads": 1}
    timeline = data.request.case.timeline.get(kind="delivery_link_revoked")
    assert "fel adress" in timeline.text
    page = staff.get(f"/begaran/{data.request.pk}/leverera/").content.decode()
    assert "drogs tillbaka" in page and url not in page  # no button for a withdrawn link
    again = staff.post(url, {"reason": "Igen."}, follow=True).content.decode()
    assert "redan tillbakadragen" in again


def test_only_staff_of_the_authority_withdraw_a_link_and_a_post_delivery_has_none() -> None:
    data = make_data(contact="")
    delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    other = make_user("annan", roles=[(Role.REGISTRAR, make_authority("BN", "Byggnadsnämnden"))])
    url = f"/begaran/utlamnande/{delivery.pk}/dra-tillbaka/"
    assert signed_in(other).post(url, {"reason": "Ofog."}).status_code == 403
    with pytest.raises(PermissionDenied):  # refused for the role, not told what to send
        do_revoke_link(delivery, "", actor=other)
    assert Client().post(url, {"reason": "Ofog."}).status_code == 302  # to the login page
    delivery.refresh_from_db()
    assert delivery.link_revoked_at is None
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 200
    posted, _link = do_deliver(
        data.request, [data.disclosed], "post", address="Storgatan 1", actor=data.registrar
    )
    with pytest.raises(ValidationError, match="Bara en länk"):
        do_revoke_link(posted, "Fel.", actor=data.registrar)


def test_a_link_is_fetched_within_the_public_limit_per_client(settings: object) -> None:
    data = make_data(contact="")
    _delivery, link = do_deliver(data.request, [data.disclosed], "link", actor=data.registrar)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    file_path = f"{path}{file_of(data.disclosed).pk}/"
    settings.PUBLIC_REQUESTS_PER_MINUTE = 2  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(3):  # the e-diary's own count: over it, the link still answers
        client.get("/diarium/")
    assert client.get("/diarium/").status_code == 429
    assert client.get(path).status_code == 200
    assert client.get(file_path).status_code == 200
    over = client.get(file_path)
    assert over.status_code == 429 and int(over["Retry-After"]) <= 60
    assert Delivery.objects.get().downloads == 1  # the refused fetch is not counted
    assert Client(REMOTE_ADDR="203.0.113.51").get(file_path).status_code == 200
