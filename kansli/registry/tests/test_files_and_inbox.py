import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kansli.audit.models import AuditEvent
from kansli.files.store import store_bytes
from kansli.files.tests import samples
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions
from kansli.registry.models import DocumentFile, InboxItem
from kansli.registry.testing import make_case, make_incoming, make_registrar

pytestmark = pytest.mark.django_db


def test_a_new_version_keeps_the_earlier_one() -> None:
    registrar = make_registrar()
    document = make_incoming()
    first = actions.do_attach_file(
        document, store_bytes(samples.pdf("Första utkastet"), "brev.pdf"), "brev.pdf",
        actor=registrar,
    )  # fmt: skip
    second = actions.do_attach_file(
        document, store_bytes(samples.pdf("Rättad version"), "brev.pdf"), "brev.pdf",
        replaces=first, actor=registrar,
    )  # fmt: skip
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert not first.is_current and second.is_current
    assert first.stored.sha256 != second.stored.sha256
    with pytest.raises(ValidationError):  # only the newest version can be replaced
        actions.do_attach_file(document, second.stored, "brev.pdf", replaces=first, actor=None)
    events = AuditEvent.objects.filter(action="registry.attach_file")
    assert [(e.after or {})["version"] for e in events] == [1, 2]


def test_an_email_in_the_inbox_prefills_and_brings_its_attachments() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    mail = samples.eml(attachments={"ritning.pdf": samples.pdf("Ritning över Ängsgården")})
    item = actions.do_receive_in_inbox(ks, store_bytes(mail, "overklagande.eml"),
                                       "overklagande.eml", actor=registrar)  # fmt: skip
    assert item.is_mail
    assert item.sender == "Åsa Öberg <asa.oberg@example.se>"
    assert item.subject == "Överklagande av bygglov"
    assert item.sent_at is not None and item.sent_at.date().isoformat() == "2025-03-14"

    document = actions.do_register_from_inbox(
        item, None, title=item.subject, document_date=timezone.localdate(item.sent_at),
        counterpart=item.sender, actor=registrar,
    )  # fmt: skip
    names = sorted(DocumentFile.objects.filter(document=document).values_list("name", flat=True))
    assert names == ["overklagande.eml", "ritning.pdf"]
    assert document.case.title == "Överklagande av bygglov"
    assert InboxItem.objects.get(pk=item.pk).document == document
    with pytest.raises(ValidationError):
        actions.do_register_from_inbox(
            item, document.case, document_date=timezone.localdate(), description="Igen",
            counterpart="X", actor=registrar,
        )  # fmt: skip


def test_an_inbox_item_can_go_into_an_existing_case() -> None:
    ks = make_authority("KS")
    registrar = make_registrar(ks)
    case = make_case()
    stored = store_bytes(samples.pdf("Komplettering"), "komplettering.pdf")
    item = actions.do_receive_in_inbox(ks, stored, "komplettering.pdf", actor=registrar)
    assert not item.is_mail and item.sender == ""
    document = actions.do_register_from_inbox(
        item, case, document_date=timezone.localdate(), description="Komplettering",
        counterpart="Anna Andersson", actor=registrar,
    )  # fmt: skip
    assert document.case == case
    assert DocumentFile.objects.get(document=document).stored == stored


def test_an_inbox_item_is_registered_only_by_its_authority_and_in_its_registry() -> None:
    ks, bun = make_authority("KS"), make_authority("BUN", "Barn- och utbildningsnämnden")
    stored = store_bytes(samples.pdf("Till kommunstyrelsen"), "brev.pdf")
    item = actions.do_receive_in_inbox(ks, stored, "brev.pdf", actor=make_registrar(ks))
    values = {"document_date": timezone.localdate(), "description": "Brev", "counterpart": "X"}
    outsider = make_registrar(bun, "bun-registrator")
    with pytest.raises(PermissionDenied):
        actions.do_register_from_inbox(item, make_case(authority=bun), actor=outsider, **values)
    both = make_user("bada", roles=[(Role.REGISTRAR, ks), (Role.REGISTRAR, bun)])
    with pytest.raises(ValidationError) as refused:
        actions.do_register_from_inbox(item, make_case(authority=bun), actor=both, **values)
    assert "case" in refused.value.message_dict
    assert InboxItem.objects.get(pk=item.pk).document is None


def test_files_are_not_added_to_a_voided_document() -> None:
    registrar = make_registrar()
    document = make_incoming()
    actions.do_void_document(document, "Fel ärende", actor=registrar)
    with pytest.raises(ValidationError):
        actions.do_attach_file(document, store_bytes(samples.pdf("X"), "x.pdf"), "x.pdf",
                               actor=registrar)  # fmt: skip
