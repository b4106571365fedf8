"""The public e-service forms: each kind registered with its receipt and e-mail, an
attachment refused with nothing saved, spam held back, and no trace of the sender."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from kansli.audit.models import AuditEvent
from kansli.eservices.actions import do_publish_petition
from kansli.eservices.models import Kind, Signature, Submission
from kansli.eservices.testing import make_council
from kansli.files.models import StoredFile
from kansli.org.testing import make_authority
from kansli.registry.models import Case, Document, TimelineEntry
from kansli.web import spam

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.7"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(url: str, fields: dict, *, spam_fields: dict | None = None):
    data = fields | (spam.filled_in() if spam_fields is None else spam_fields)
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="Testbrowser/1.0").post(url, data)


def proposal(**changes) -> dict:
    fields = {"title": "Fler parkbänkar", "text": "Vid Österdalälven behövs bänkar.",
              "name": "Anna Andersson", "contact": "anna@example.se", "resident": "on"}  # fmt: skip
    return fields | changes


def test_the_index_lists_the_three_services():
    make_council()
    page = Client().get("/e-tjanster/").content.decode()
    for url in ["/e-tjanster/medborgarforslag/", "/e-tjanster/synpunkt/", "/e-tjanster/e-forslag/"]:
        assert url in page


def test_a_proposal_is_registered_in_the_council_with_receipt_and_email(
    django_capture_on_commit_callbacks,
):
    council = make_council()
    with django_capture_on_commit_callbacks(execute=True):
        response = post("/e-tjanster/medborgarforslag/", proposal(attachments=[
            SimpleUploadedFile("karta.pdf", PDF, content_type="application/pdf")]))  # fmt: skip
    assert response.status_code == 302
    submission = Submission.objects.get()
    document = submission.document
    assert submission.kind == Kind.PROPOSAL and submission.authority == council
    assert submission.receipt_number == document.document_number == f"KF {document.case.year}/1-1"
    assert document.direction == "inkommen" and document.counterpart == "Anna Andersson"
    assert document.counterpart_is_private and document.document_type == "Medborgarförslag"
    assert sorted(f.name for f in document.files.all()) == ["karta.pdf", "medborgarforslag.txt"]
    receipt = Client().get(response["Location"]).content.decode()
    assert submission.receipt_number in receipt
    (sent,) = mail.outbox
    assert sent.to == ["anna@example.se"] and submission.receipt_number in sent.subject
    assert submission.receipt_number in sent.body


def test_an_anonymous_comment_goes_to_the_authority_chosen_without_email(
    django_capture_on_commit_callbacks,
):
    make_council()
    board = make_authority("BUN", "Barn- och utbildningsnämnden")
    fields = {"authority": board.pk, "title": "Skolgården", "text": "Gungorna är trasiga.",
              "name": "", "contact": ""}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = post("/e-tjanster/synpunkt/", fields)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.authority == board and submission.kind == Kind.FEEDBACK
    assert submission.document.counterpart == "Anonym"
    assert not submission.document.counterpart_is_private
    assert submission.receipt_number.startswith("BUN ")
    assert mail.outbox == []


def test_a_proposal_needs_a_name_and_a_resident():
    make_council()
    response = post("/e-tjanster/medborgarforslag/", proposal(name="", resident=""))
    assert response.status_code == 400
    assert not Submission.objects.exists() and not Case.objects.exists()


def test_an_executable_attachment_refuses_the_whole_submission():
    make_council()
    program = SimpleUploadedFile("lista.exe", b"MZ\x90\x00" + b"\x00" * 200)
    response = post("/e-tjanster/e-forslag/", proposal(attachments=[program]))
    assert response.status_code == 400
    assert "lista.exe" in response.content.decode()
    assert not Submission.objects.exists()
    assert not Case.objects.exists() and not Document.objects.exists()
    assert not StoredFile.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("spam_fields", "message"),
    [
        (lambda: spam.filled_in() | {spam.HONEYPOT: "http://spam.example"}, spam.ROBOT),
        (lambda: {spam.HONEYPOT: "", spam.STAMP: spam.stamp()}, spam.TOO_FAST),
    ],
)
def test_spam_is_refused_and_registers_nothing(spam_fields, message):
    make_council()
    response = post("/e-tjanster/medborgarforslag/", proposal(), spam_fields=spam_fields())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Submission.objects.exists() and not Case.objects.exists()


@override_settings(PUBLIC_FORMS_PER_HOUR=2)
def test_over_the_rate_limit_is_refused_and_registers_nothing():
    make_council()
    for _ in range(2):
        assert post("/e-tjanster/medborgarforslag/", proposal()).status_code == 302
    response = post("/e-tjanster/medborgarforslag/", proposal())
    assert response.status_code == 400 and spam.TOO_MANY in response.content.decode()
    assert Submission.objects.count() == 2


def test_nothing_keeps_the_senders_address_or_browser():
    make_council()
    post("/e-tjanster/e-forslag/", proposal())
    petition = do_publish_petition(Submission.objects.get(), actor=None)
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="Testbrowser/1.0")
    client.post(f"/e-tjanster/e-forslag/{petition.pk}/",
                {"name": "Per", "email": "per@example.se"} | spam.filled_in())  # fmt: skip
    link = re.search(r"/e-tjanster/e-forslag/bekrafta/[^/]+/", mail.outbox[-1].body)
    assert link is not None
    client.post(link.group(0))
    assert petition.signatures.count() == 1
    events = list(AuditEvent.objects.values())
    assert len(events) >= 5 and all(event["client_ip"] is None for event in events)
    stored = json.dumps(events, default=str)
    for model in (Submission, Signature, Document, Case, TimelineEntry, StoredFile):
        stored += json.dumps(list(model.objects.values()), default=str)
    assert ADDRESS not in stored and "Testbrowser" not in stored


def test_an_attachment_larger_than_other_public_forms_take_is_received():
    make_council()
    big = PDF + b"%" + b"x" * 300_000 + b"\n"
    response = post("/e-tjanster/medborgarforslag/", proposal(attachments=[
        SimpleUploadedFile("bilaga.pdf", big, content_type="application/pdf")]))  # fmt: skip
    assert response.status_code == 302
    assert Submission.objects.get().document.files.count() == 2


def test_a_receipt_link_that_is_not_signed_is_not_found():
    assert Client().get("/e-tjanster/kvitto/123/").status_code == 404


def test_the_forms_are_in_swedish():
    make_council()
    page = Client().get("/e-tjanster/medborgarforslag/").content.decode()
    assert "Rubrik" in page and re.search(r"Skicka", page)


@pytest.mark.parametrize("url", ["/e-tjanster/medborgarforslag/", "/e-tjanster/synpunkt/",
                                 "/e-tjanster/e-forslag/"])  # fmt: skip
def test_an_empty_post_is_refused_with_a_message(url):
    make_council()
    response = Client().post(url)
    assert response.status_code == 400 and spam.TOO_OLD in response.content.decode()
    assert not Submission.objects.exists()
