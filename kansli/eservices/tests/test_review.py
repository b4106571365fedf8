"""The review of an e-förslag before it is published, and what the e-services send or
show before anyone has read a submission: no sender's text in the public diary or in
an e-mail to a typed address, no signing before publication, one mailbox one signature."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.eservices.actions import (
    MAX_REASON,
    do_decline_petition,
    do_publish_petition,
    do_sign_petition,
    do_submit,
)
from kansli.eservices.models import Kind, Submission
from kansli.eservices.testing import make_council, make_petition
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.actions import do_correct_document, do_mark_secrecy
from kansli.registry.models import TimelineEntry
from kansli.registry.testing import make_provision
from kansli.web import spam

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Grannen Kalle Svensson dricker"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review(client: Client, petition, decision: str, shown: str = "waiting", reason: str = ""):
    """Post a review as the review page's form does (the button, the state shown)."""
    fields = {"decision": decision, "shown": shown, "reason": reason}
    posted = {f"{petition.pk}-{name}": value for name, value in fields.items()}
    return client.post(f"/e-tjanster/granskning/{petition.pk}/", posted)


def registrar():
    return make_user("registrator", email="reg@kommun.se",
                     roles=[(Role.REGISTRAR, make_council())])  # fmt: skip


def test_an_e_petition_is_not_public_and_cannot_be_signed_until_published():
    petition = make_petition(SECRET_TITLE, published=False, contact="anna@example.se")
    client = Client()
    assert client.get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 404
    assert SECRET_TITLE not in client.get("/e-tjanster/").content.decode()
    fields = {"name": "Per", "email": "per@example.se"} | spam.filled_in()
    assert client.post(f"/e-tjanster/e-forslag/{petition.pk}/", fields).status_code == 404
    assert mail.outbox == []  # no signature link carries the unread title anywhere
    with pytest.raises(ValidationError, match="inte publicerat"):
        do_sign_petition(petition, "Per", "per@example.se", actor=None)
    diary = client.get("/diarium/").content.decode()
    assert SECRET_TITLE not in diary and "E-förslag via e-tjänsten" in diary


def test_a_registrar_publishes_it_from_the_review_list_and_the_proposer_is_told(
    django_capture_on_commit_callbacks,
):
    petition = make_petition(published=False, contact="anna@example.se")
    client = signed_in(registrar())
    assert "1 e-förslag att granska" in client.get("/").content.decode()
    listing = client.get("/e-tjanster/granskning/").content.decode()
    assert petition.title in listing and "Anna Andersson" not in listing  # no name needed
    with django_capture_on_commit_callbacks(execute=True):
        response = review(client, petition, "publish")
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.published_at is not None and petition.threshold == 100
    assert Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 200
    (told,) = mail.outbox
    assert told.to == ["anna@example.se"] and f"/e-tjanster/e-forslag/{petition.pk}/" in told.body
    event = AuditEvent.objects.get(action="eservices.publish_petition")
    assert event.actor.username == "registrator"
    assert TimelineEntry.objects.filter(kind="petition_published").exists()
    assert "inget e-förslag" in client.get("/e-tjanster/granskning/").content.decode().lower()


def test_declining_needs_a_reason_which_the_proposer_gets(django_capture_on_commit_callbacks):
    petition = make_petition(published=False, contact="anna@example.se")
    client = signed_in(registrar())
    refused = review(client, petition, "decline")
    assert refused.status_code == 400 and "Ange varför" in refused.content.decode()
    petition.refresh_from_db()
    assert petition.declined_at is None and not AuditEvent.objects.filter(
        action="eservices.decline_petition").exists()  # fmt: skip
    reason = "Förslaget namnger en privatperson."
    with django_capture_on_commit_callbacks(execute=True):
        review(client, petition, "decline", reason=reason)
    petition.refresh_from_db()
    assert petition.declined_at is not None and petition.published_at is None
    (told,) = mail.outbox
    assert reason in told.body and petition.title not in told.body
    assert Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 404
    assert review(client, petition, "publish").status_code == 404
    with pytest.raises(ValidationError, match="redan granskat"):
        do_publish_petition(petition, actor=None)


def test_a_reason_over_the_limit_is_refused_whole_and_one_at_it_is_kept():
    petition = make_petition(published=False, contact="anna@example.se")
    client = signed_in(registrar())
    refused = review(client, petition, "decline", reason="x" * (MAX_REASON + 1))
    assert (
        refused.status_code == 400 and f"som mest {MAX_REASON} tecken" in refused.content.decode()
    )
    with pytest.raises(ValidationError, match=f"högst {MAX_REASON} tecken"):  # not by the form
        do_decline_petition(petition, "x" * (MAX_REASON + 1), actor=None)
    petition.refresh_from_db()
    assert petition.declined_at is None and petition.decline_reason == ""
    assert not TimelineEntry.objects.filter(kind="petition_declined").exists()
    assert review(client, petition, "decline", reason="å" * MAX_REASON).status_code == 302
    petition.refresh_from_db()
    assert petition.decline_reason == "å" * MAX_REASON


def test_only_a_registrar_or_secretary_of_its_authority_reviews_it():
    petition = make_petition(published=False)
    other = make_authority("BN", "Byggnadsnämnden")
    officer = make_user("handlaggare", roles=[(Role.OFFICER, make_council()),
                                              (Role.REGISTRAR, other)])  # fmt: skip
    client = signed_in(officer)
    assert client.get("/e-tjanster/granskning/").content.decode().count(petition.title) == 0
    assert "att granska" not in client.get("/").content.decode()
    assert review(client, petition, "publish").status_code == 404
    with pytest.raises(PermissionDenied):
        do_publish_petition(petition, actor=officer)
    with pytest.raises(PermissionDenied):  # refused for the role, not told what to send
        do_decline_petition(petition, "", actor=officer)
    petition.refresh_from_db()
    assert petition.published_at is None and petition.declined_at is None


def test_a_secrecy_marked_e_petition_is_not_published():
    petition = make_petition(published=False)
    do_mark_secrecy(petition.document, make_provision(), actor=None)
    with pytest.raises(ValidationError, match="sekretessmarkerad"):
        do_publish_petition(petition, actor=None)
    assert Submission.objects.get().published_at is None


def test_a_typed_address_gets_no_text_of_the_senders(django_capture_on_commit_callbacks):
    board = make_authority("TFN", "Tekniska nämnden")
    with django_capture_on_commit_callbacks(execute=True):
        feedback = do_submit(Kind.FEEDBACK, board, "Köp billiga klockor på spam.example",
                             "Klicka här: https://spam.example", contact="offer@example.se",
                             actor=None)  # fmt: skip
    (receipt,) = mail.outbox
    assert receipt.to == ["offer@example.se"] and feedback.receipt_number in receipt.body
    assert "spam.example" not in receipt.body + receipt.subject
    diary = Client().get("/diarium/").content.decode()
    assert "spam.example" not in diary and "Synpunkt via e-tjänsten" in diary


def test_subaddresses_of_one_mailbox_sign_once():
    petition = make_petition()
    do_sign_petition(petition, "Per", "Per+1@Example.se", actor=None)
    with pytest.raises(ValidationError, match="redan skrivit under"):
        do_sign_petition(petition, "Per", "per+2@example.se", actor=None)
    with pytest.raises(ValidationError, match="redan skrivit under"):
        do_sign_petition(petition, "Per", "per@example.se", actor=None)
    do_sign_petition(petition, "Pia", "+pia@example.se", actor=None)
    assert sorted(petition.signatures.values_list("email", flat=True)) == [
        "+pia@example.se", "per@example.se"]  # fmt: skip


def test_a_published_e_petition_is_taken_down_with_a_reason_and_keeps_its_signatures(
    django_capture_on_commit_callbacks,
):
    petition = make_petition(contact="anna@example.se")
    do_sign_petition(petition, "Per", "per@example.se", actor=None)
    other = make_petition("Ny cykelbana", published=False)
    client = signed_in(registrar())
    page = client.get("/e-tjanster/granskning/").content.decode()
    assert "Publicerade e-förslag" in page and petition.title in page
    stale = review(client, petition, "decline", reason="Ett skäl.")  # shown before publishing
    assert stale.status_code == 400 and "under tiden" in stale.content.decode()
    refused = review(client, petition, "decline", "published")
    text = refused.content.decode()
    assert refused.status_code == 400 and "Ange varför" in text
    assert other.title in text  # the whole list again, not only the refused one
    reason = "En namngiven person har invänt mot texten."
    with django_capture_on_commit_callbacks(execute=True):
        review(client, petition, "decline", "published", reason)
    petition.refresh_from_db()
    assert petition.published_at is None and petition.decline_reason == reason
    assert petition.signatures.count() == 1
    assert Client().get(f"/e-tjanster/e-forslag/{petition.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="eservices.take_down_petition").count() == 1
    assert TimelineEntry.objects.filter(kind="petition_taken_down").exists()
    assert reason in mail.outbox[-1].body and "tagits ned" in mail.outbox[-1].body


def test_the_registrar_is_asked_to_write_each_registrations_diary_text():
    board = make_authority("TFN", "Tekniska nämnden")
    feedback = do_submit(Kind.FEEDBACK, board, "Trasig gatlykta på Kyrkogatan",
                         "Släckt i två veckor.", actor=None)  # fmt: skip
    registrar = make_user("tfn-reg", roles=[(Role.REGISTRAR, board)])
    outsider = make_user("bn-reg", roles=[(Role.REGISTRAR, make_authority("BN", "Bygg"))])
    client = signed_in(registrar)
    assert (
        "1 registrering från e-tjänsterna utan egen diarietext" in client.get("/").content.decode()
    )
    page = client.get("/e-tjanster/diarietext/").content.decode()
    document = feedback.document
    assert "Trasig gatlykta på Kyrkogatan" in page
    assert f"/arenden/{document.case_id}/handlingar/{document.number}/ratta/" in page
    assert (
        "Trasig gatlykta" not in signed_in(outsider).get("/e-tjanster/diarietext/").content.decode()
    )
    assert Client().get("/e-tjanster/diarietext/").status_code == 302  # to the login page
    do_correct_document(document, "Diarietext", description="Gatlykta släckt, Kyrkogatan",
                        actor=registrar)  # fmt: skip
    assert "Trasig gatlykta" not in client.get("/e-tjanster/diarietext/").content.decode()
    assert "utan egen diarietext" not in client.get("/").content.decode()
