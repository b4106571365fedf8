"""The intake API: token-authenticated, registers as the forms do, and idempotent: a
retry with the same key registers once (also when the retries arrive at once)."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading

import pytest
from django.db import connection
from django.test import Client

from kansli.audit.models import AuditEvent
from kansli.audit.tests.test_cli import kansli
from kansli.eservices.models import IdempotencyRecord, Submission
from kansli.eservices.testing import make_council
from kansli.org.actions import do_create_api_token
from kansli.org.models import Role
from kansli.org.testing import make_authority, make_user
from kansli.registry.models import Case
from kansli.web.testing import api_client

URL = "/api/v1/intake/submissions"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def body(**changes) -> dict:
    pdf = base64.b64encode(PDF).decode()
    fields = {"kind": "medborgarforslag", "authority": "KF", "title": "Fler parkbänkar",
              "text": "Vid älven behövs bänkar.", "name": "Anna Andersson",
              "contact": "anna@example.se",
              "attachments": [{"name": "karta.pdf", "content": pdf}]}  # fmt: skip
    return fields | changes


def send(client: Client, data: dict, key: str | None = "nyckel-1", **extra):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, json.dumps(data), content_type="application/json",
                       headers=headers, **extra)  # fmt: skip


@pytest.fixture
def platform(db):
    """The e-service platform's key: a user registering for KF."""
    return api_client(make_user("eplattform", roles=[(Role.REGISTRAR, make_council())]))


def test_a_submission_is_registered_with_its_receipt(platform):
    response = send(platform, body(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 201, response.content
    answer = response.json()
    submission = Submission.objects.get()
    assert answer == {
        "id": submission.pk, "kind": "medborgarforslag", "authority": "KF",
        "receipt_number": submission.receipt_number, "case_id": submission.document.case_id,
        "document_id": submission.document_id,
    }  # fmt: skip
    assert submission.submitted_by.username == "eplattform"
    assert sorted(f.name for f in submission.document.files.all()) == [
        "karta.pdf", "medborgarforslag.txt"]  # fmt: skip


def test_a_retry_with_the_same_key_answers_the_same_and_registers_once(platform):
    first = send(platform, body())
    again = send(platform, body())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Submission.objects.count() == 1 and Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="eservices.submit").count() == 1
    other = send(platform, body(), key="nyckel-2")
    assert other.status_code == 201 and Submission.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(platform):
    send(platform, body())
    response = send(platform, body(title="Färre parkbänkar"))
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]
    assert "redan använts" in response.json()["detail"]
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("key", ["med mellanslag", "nyckel-" + "x" * 200])
def test_a_key_of_the_wrong_form_is_refused_in_swedish(platform, key):
    response = send(platform, body(), key=key)
    assert response.status_code == 422
    assert response.json()["errors"]["Idempotency-Key"] in (
        ["Värdet har inte rätt form (mönstret ^[\\x21-\\x7e]+$)."],
        ["Texten får vara högst 200 tecken."],
    )
    assert not Submission.objects.exists() and not IdempotencyRecord.objects.exists()


def test_a_refused_submission_keeps_no_key_and_can_be_sent_again(platform):
    program = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 200).decode()
    refused = send(platform, body(attachments=[{"name": "lista.exe", "content": program}]))
    assert refused.status_code == 422 and "lista.exe" in refused.json()["detail"]
    assert not Submission.objects.exists() and not Case.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_bad_base64_and_unknown_authority_are_refused(platform):
    bad = send(platform, body(attachments=[{"name": "a.pdf", "content": "not base64!"}]))
    assert bad.status_code == 422 and "base64" in bad.json()["detail"]
    unknown = send(platform, body(authority="XYZ"))
    assert unknown.status_code == 422 and "Okänd myndighet" in unknown.json()["detail"]
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_without_a_key_401_and_without_a_role_in_the_authority_403():
    make_council()
    assert send(Client(), body()).status_code == 401
    other = make_authority("BUN", "Barn- och utbildningsnämnden")
    outsider = api_client(make_user("annan", roles=[(Role.REGISTRAR, other)]))
    response = send(outsider, body())
    assert response.status_code == 403 and response.json()["detail"]
    assert not Submission.objects.exists() and not IdempotencyRecord.objects.exists()
    signed_in = Client()
    signed_in.force_login(make_user("inloggad", roles=[(Role.REGISTRAR, make_council())]))
    assert send(signed_in, body()).status_code == 401  # a key is needed, not a session


def test_the_openapi_document_describes_the_header():
    operation = Client().get("/api/v1/openapi.json").json()["paths"][URL]["post"]
    (header,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and "retry" in header["description"]


def retry_at_once(headers: dict[str, str]) -> list[tuple[int, dict]]:
    """Two threads send the same submission with the same key at the same moment."""
    start, answers, errors = threading.Barrier(2), [], []

    def retry() -> None:
        try:
            client = Client(headers=headers)
            start.wait()
            response = send(client, body())
            answers.append((response.status_code, response.json()))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return answers


def platform_key() -> dict[str, str]:
    user = make_user("eplattform", roles=[(Role.REGISTRAR, make_council())])
    _token, key = do_create_api_token(user, "E-tjänsteplattform", actor=None)
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs a process")
def test_concurrent_retries_register_once_on_postgresql(transactional_db):
    answers = retry_at_once(platform_key())
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    assert Submission.objects.count() == 1 and Case.objects.count() == 1


RETRY = """
import json
from kansli.eservices.tests.test_intake_api import retry_at_once
print(json.dumps(retry_at_once(json.loads({headers!r}))))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs threads")
def test_concurrent_retries_register_once_on_sqlite(transactional_db, tmp_path):
    """The same two threads in a process of their own, on a copy of this test's
    database in a file with the installation's settings (WAL, BEGIN IMMEDIATE): the
    test's in-memory database cannot take two writers."""
    headers = platform_key()
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "kansli.sqlite3") as copy:
        connection.connection.backup(copy)
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path), "KANSLI_ALLOWED_HOSTS": "testserver"}
    env.pop("KANSLI_DATABASE_URL", None)
    done = kansli("shell", "-v0", "-c", RETRY.format(headers=json.dumps(headers)), env=env)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    with sqlite3.connect(tmp_path / "kansli.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM eservices_submission").fetchone() == (1,)
        assert copy.execute("SELECT count(*) FROM registry_case").fetchone() == (1,)
