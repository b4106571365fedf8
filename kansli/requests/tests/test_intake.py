import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_receive_in_inbox
from kansli.registry.models import Case, Document, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_registrar
from kansli.requests.actions import intake
from kansli.requests.models import AccessRequest, RequestedItem
from kansli.requests.testing import make_request

pytestmark = pytest.mark.django_db


def test_an_anonymous_web_request_opens_its_own_case() -> None:
    ks = make_authority("KS")
    asked = make_incoming(make_case(authority=ks))
    request = make_request(ks, documents=[asked], descriptions=["Protokollet från maj"])
    assert request.case.title == "Begäran om allmän handling"
    assert request.case.authority == ks and request.received_by is None
    document = Document.objects.get(case=request.case)
    assert document.counterpart == "Anonym" and not document.counterpart_is_private
    assert document.direction == "inkommen"
    items = list(request.items.all())
    assert [(i.document, i.description) for i in items] == [
        (asked, ""),
        (None, "Protokollet från maj"),
    ]
    event = AuditEvent.objects.get(action="requests.register_request")
    assert event.after == {"channel": "web", "items": 2, "named": False}


def test_a_named_request_flags_the_private_name_and_keeps_it_out_of_the_audit_log() -> None:
    ks = make_authority("KS")
    request = make_request(ks, name="Stina Svensson", contact="stina@example.se")
    document = Document.objects.get(case=request.case)
    assert document.counterpart == "Stina Svensson" and document.counterpart_is_private
    assert [i.description for i in request.items.all()] == ["Jag vill ta del av handlingarna."]
    event = AuditEvent.objects.get(action="requests.register_request")
    assert "Stina" not in str(event.after) and "stina@" not in str(event.after)


def test_staff_register_a_phone_request_for_their_own_authority_only() -> None:
    ks, bn = make_authority("KS"), make_authority("BN", "Byggnadsnämnden")
    officer = make_user(roles=[(Role.OFFICER, ks)])
    request = make_request(ks, channel="phone", actor=officer)
    assert request.received_by == officer and request.channel == "phone"
    with pytest.raises(PermissionDenied):
        make_request(bn, channel="phone", actor=officer)
    with pytest.raises(ValidationError) as refused:
        make_request(ks, channel="web", actor=officer)
    assert "channel" in refused.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"description": "Handling \ud800"}, "description"),
        ({"name": "N" * 201}, "name"),
        ({"contact": "a\x00b"}, "contact"),
        ({"descriptions": ["d" * 501]}, "descriptions"),
        ({"received_at": timezone.now() + datetime.timedelta(hours=2)}, "received_at"),
        ({"received_at": datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)}, "received_at"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(fields: dict, field: str) -> None:
    ks = make_authority("KS")
    with pytest.raises(ValidationError) as refused:
        make_request(ks, **fields)
    assert field in refused.value.message_dict
    assert not AccessRequest.objects.exists() and not Case.objects.exists()


def test_a_document_of_another_authority_is_refused() -> None:
    ks, bn = make_authority("KS"), make_authority("BN", "Byggnadsnämnden")
    other = make_incoming(make_case(authority=bn))
    with pytest.raises(ValidationError):
        make_request(ks, documents=[other])
    assert not AccessRequest.objects.exists()


def test_an_email_in_the_inbox_becomes_a_request_with_its_files() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    mail = samples.eml(attachments={"lista.pdf": samples.pdf("Lista över handlingar")})
    item = do_receive_in_inbox(ks, store_bytes(mail, "begaran.eml"), "begaran.eml",
                               actor=registrar)  # fmt: skip
    request = intake.do_register_request_from_inbox(
        item, "Bygglovsritningarna för Ängsgården", actor=registrar
    )
    assert request.channel == "email" and request.received_at == item.sent_at
    document = Document.objects.get(case=request.case)
    names = sorted(DocumentFile.objects.filter(document=document).values_list("name", flat=True))
    assert names == ["begaran.eml", "lista.pdf"]
    assert request.contact == item.sender
    with pytest.raises(ValidationError):
        intake.do_register_request_from_inbox(item, "Igen", actor=registrar)


def test_items_are_added_linked_and_removed_before_review() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    found = make_incoming(make_case(authority=ks))
    request = make_request(ks, descriptions=["Skrivelsen från Anna"])
    described = request.items.get()
    intake.do_link_item(described, found, actor=registrar)
    described.refresh_from_db()
    assert described.document == found and described.description == "Skrivelsen från Anna"
    extra = intake.do_add_item(request, description="Yttrandet", actor=registrar)
    intake.do_remove_item(extra, actor=registrar)
    assert list(request.items.all()) == [described]
    with pytest.raises(ValidationError):  # a request asks for at least one document
        intake.do_remove_item(described, actor=registrar)
    with pytest.raises(ValidationError):
        intake.do_add_item(request, description="", actor=registrar)
    outsider = make_user(roles=[(Role.OFFICER, make_authority("BN", "Byggnadsnämnden"))])
    with pytest.raises(PermissionDenied):
        intake.do_add_item(request, description="Mer", actor=outsider)
    assert RequestedItem.objects.count() == 1
    kinds = list(request.case.timeline.values_list("kind", flat=True))
    assert kinds.count("request_item") == 3
