"""Hostile input to the e-services: what a citizen or a platform sends must not make
the pages fail for others."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from kansli.eservices.actions import do_publish_petition
from kansli.eservices.models import Submission
from kansli.eservices.testing import make_council
from kansli.web import spam

pytestmark = pytest.mark.django_db


def test_a_title_with_a_line_break_is_kept_on_one_line_and_the_e_forslag_can_be_signed() -> None:
    make_council()
    client = Client(raise_request_exception=False)
    fields = {"title": "Badplatsen\r\nBcc: alla@example.se", "text": "Behåll den.",
              "name": "Anna Andersson"} | spam.filled_in()  # fmt: skip
    assert client.post("/e-tjanster/e-forslag/", fields).status_code == 302
    petition = do_publish_petition(Submission.objects.get(), actor=None)
    assert petition.title == "Badplatsen Bcc: alla@example.se"

    mail.outbox.clear()
    signing = {"name": "Per Persson", "email": "per@example.se"} | spam.filled_in()
    answer = client.post(f"/e-tjanster/e-forslag/{petition.pk}/", signing)

    assert answer.status_code == 200
    (sent,) = mail.outbox
    assert sent.to == ["per@example.se"] and sent.bcc == []
    assert "\n" not in sent.subject and "Badplatsen Bcc: alla@example.se" in sent.subject
