"""Files in an S3-compatible object store: SeaweedFS started on 127.0.0.1 for these
tests (kansli.files.testing_s3), reached through django-storages with the settings an
installation gets from KANSLI_S3_*."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from kansli.audit.tests.test_cli import kansli
from kansli.files.extract import extract_file_text
from kansli.files.models import StoredFile, storage_name
from kansli.files.storage import StorageUnavailable
from kansli.files.store import store_bytes, store_upload
from kansli.files.testing_s3 import SeaweedFS, running_seaweedfs
from kansli.files.tests import samples
from kansli.org.actions import do_create_api_token
from kansli.org.models import User
from kansli.org.testing import make_authority
from kansli.registry.actions import do_attach_file
from kansli.registry.models import Case, DocumentFile
from kansli.registry.testing import make_case, make_incoming, make_registrar
from kansli.settings import file_storage

pytestmark = pytest.mark.s3

UNAVAILABLE = "Fillagret svarar inte just nu. Försök igen om en stund; inget har sparats."


@pytest.fixture(scope="module")
def seaweedfs() -> Iterator[SeaweedFS]:
    with running_seaweedfs() as store:
        yield store


@pytest.fixture
def bucket(seaweedfs: SeaweedFS, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new bucket, and the default storage set to it as KANSLI_S3_* would set it."""
    name = seaweedfs.new_bucket()
    for variable, value in seaweedfs.environment(name).items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    return name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_bucket_without_its_endpoint_or_keys_stops_start_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KANSLI_S3_BUCKET", "kansli")
    monkeypatch.setenv("KANSLI_S3_ENDPOINT_URL", "http://127.0.0.1:8333")
    with pytest.raises(ImproperlyConfigured) as refused:
        file_storage()
    assert str(refused.value) == (
        "KANSLI_S3_BUCKET=kansli needs KANSLI_S3_ACCESS_KEY_ID, KANSLI_S3_SECRET_ACCESS_KEY "
        "too (the secrets may be given as NAME_FILE)"
    )
    (tmp_path / "secret").write_text("hemligt\n")
    monkeypatch.setenv("KANSLI_S3_ACCESS_KEY_ID", "kansli")
    monkeypatch.setenv("KANSLI_S3_SECRET_ACCESS_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("KANSLI_S3_REGION", "se-sto-1")
    options: Any = file_storage()["OPTIONS"]
    assert (options["bucket_name"], options["secret_key"], options["region_name"]) == (
        "kansli", "hemligt", "se-sto-1",
    )  # fmt: skip
    assert options["file_overwrite"] is True
    monkeypatch.delenv("KANSLI_S3_BUCKET")
    assert file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.django_db
def test_files_are_stored_once_under_their_hash_and_read_back(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    data = samples.pdf("Ansökan om bygglov")
    stored = store_bytes(data, "bygglov.pdf")
    assert (stored.sha256, stored.size) == (sha256(data), len(data))
    assert seaweedfs.objects(bucket) == {storage_name(sha256(data)): data}
    with stored.open() as handle:
        assert handle.read() == data

    again = store_upload(SimpleUploadedFile("kopia.pdf", data))
    assert again.pk == stored.pk and StoredFile.objects.count() == 1
    assert list(seaweedfs.objects(bucket)) == [stored.storage_name]

    # Over the size at which the upload is sent in parts (8 MB).
    large = ("Kommunfullmäktiges protokoll\n" * 350_000).encode()
    uploaded = TemporaryUploadedFile("protokoll.txt", "text/plain", len(large), "utf-8")
    uploaded.write(large)
    big = store_upload(uploaded)
    uploaded.close()
    assert (big.sha256, big.size) == (sha256(large), len(large))
    assert sha256(seaweedfs.objects(bucket)[big.storage_name]) == big.sha256


@pytest.mark.django_db
def test_an_object_not_in_the_store_is_a_missing_file_not_a_store_fault(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    data = samples.pdf("Delegationsbeslut")
    stored = store_bytes(data, "beslut.pdf")
    seaweedfs.client().delete_object(Bucket=bucket, Key=stored.storage_name)
    with pytest.raises(FileNotFoundError):
        stored.open()


@pytest.mark.django_db
def test_an_object_already_there_is_not_written_again_unless_it_is_cut_short(
    seaweedfs: SeaweedFS, bucket: str
) -> None:
    client = seaweedfs.client()
    data = samples.pdf("Yttrande")
    name = storage_name(sha256(data))
    client.put_object(Bucket=bucket, Key=name, Body=data, Metadata={"skriven": "tidigare"})
    store_bytes(data, "yttrande.pdf")
    assert client.head_object(Bucket=bucket, Key=name)["Metadata"] == {"skriven": "tidigare"}

    other = samples.pdf("Beslut")
    cut = storage_name(sha256(other))
    client.put_object(Bucket=bucket, Key=cut, Body=other[:100])  # a write cut off
    stored = store_bytes(other, "beslut.pdf")
    assert seaweedfs.objects(bucket)[cut] == other
    assert stored.size == len(other)


def store_at_once(data: bytes) -> list[int]:
    """Two threads store the same content at the same moment; returns the StoredFiles'
    ids. A barrier in front of the storage's save holds each until both have looked for
    the content (no row, no object), so both write it."""
    storage = storages["default"]
    save, both_looked = storage.save, threading.Barrier(2, timeout=30)
    ids: list[int] = []
    errors: list[BaseException] = []

    def save_together(name: str, content: Any, max_length: int | None = None) -> str:
        both_looked.wait()
        return save(name, content, max_length=max_length)

    def upload(number: int) -> None:
        try:
            ids.append(store_bytes(data, f"kopia-{number}.pdf").pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(storage, "save", save_together):
        threads = [threading.Thread(target=upload, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == [], [repr(error) for error in errors]
    return ids


STORE_AT_ONCE = """
import json
from pathlib import Path
from kansli.files.tests.test_s3 import store_at_once
print(json.dumps(store_at_once(Path({path!r}).read_bytes())))
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs a process")
def test_the_same_content_at_once_is_one_object_and_one_row_on_postgresql(
    transactional_db: None, seaweedfs: SeaweedFS, bucket: str
) -> None:
    data = samples.pdf("Samtidigt")
    ids = store_at_once(data)
    assert len(ids) == 2 and ids[0] == ids[1]
    assert StoredFile.objects.get().sha256 == sha256(data)
    assert seaweedfs.objects(bucket) == {storage_name(sha256(data)): data}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs threads")
def test_the_same_content_at_once_is_one_object_and_one_row_on_sqlite(
    transactional_db: None, seaweedfs: SeaweedFS, bucket: str, tmp_path: Path
) -> None:
    """The two threads in a process of their own, with the installation's settings
    from KANSLI_S3_*, on a copy of this test's database in a file (WAL, BEGIN
    IMMEDIATE): the test's in-memory database cannot take two writers."""
    data = samples.pdf("Samtidigt")
    (tmp_path / "fil.pdf").write_bytes(data)
    connection.ensure_connection()
    with sqlite3.connect(tmp_path / "kansli.sqlite3") as copy:
        connection.connection.backup(copy)
    env = {**os.environ, "KANSLI_DATA_DIR": str(tmp_path), **seaweedfs.environment(bucket)}
    env.pop("KANSLI_DATABASE_URL", None)
    script = STORE_AT_ONCE.format(path=str(tmp_path / "fil.pdf"))
    done = kansli("shell", "-v0", "-c", script, env=env)
    assert done.returncode == 0, done.stderr
    ids = json.loads(done.stdout)
    assert len(ids) == 2 and ids[0] == ids[1]
    with sqlite3.connect(tmp_path / "kansli.sqlite3") as copy:
        rows = copy.execute("SELECT id, sha256 FROM files_storedfile").fetchall()
    assert rows == [(ids[0], sha256(data))]
    assert seaweedfs.objects(bucket) == {storage_name(sha256(data)): data}


@pytest.fixture
def registrar() -> User:
    return make_registrar(make_authority("KS", "Kommunstyrelsen"), "registrator")


@pytest.fixture
def case(registrar: User) -> Case:
    return make_case("Detaljplan för Ängsgården", authority=registrar.roles.get().authority)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_key(user: User) -> Client:
    _token, key = do_create_api_token(user, "test", actor=None)
    return Client(headers={"Authorization": f"Bearer {key}"})


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_registrar_adds_a_file_that_lands_in_the_object_store(
    seaweedfs: SeaweedFS, bucket: str, registrar: User, case: Case
) -> None:
    document = make_incoming(case)
    data = samples.pdf("Yttrande över detaljplanen")
    client = signed_in(registrar)
    upload = SimpleUploadedFile("Yttrande.pdf", data)
    added = client.post(f"/arenden/{case.pk}/filer/", {"document": 1, "upload": upload})
    assert added.status_code == 302
    attached = DocumentFile.objects.get()
    assert (attached.document, attached.stored.sha256) == (document, sha256(data))
    assert seaweedfs.objects(bucket) == {attached.stored.storage_name: data}

    page = f"/arenden/{case.pk}/handlingar/{document.number}/filer/{attached.pk}/"
    download = client.get(page)
    assert download.status_code == 200 and body(download) == data
    assert download["Content-Length"] == str(len(data))
    assert extract_file_text.call(attached.stored.pk) == StoredFile.Extraction.DONE
    attached.stored.refresh_from_db()
    assert "Yttrande över detaljplanen" in attached.stored.text

    api = with_key(registrar)
    second = samples.word(paragraph="Version 2")
    answer = api.post(
        f"/api/v1/documents/{document.pk}/files",
        {"file": SimpleUploadedFile("Yttrande.docx", second), "replaces": attached.pk},
    )
    assert answer.status_code == 201, answer.content
    fetched = api.get(f"/api/v1/files/{answer.json()['id']}")
    assert fetched.status_code == 200 and body(fetched) == second
    assert sha256(seaweedfs.objects(bucket)[storage_name(sha256(second))]) == sha256(second)


@pytest.mark.django_db
def test_an_outage_saves_nothing_says_so_and_the_retry_works(
    seaweedfs: SeaweedFS, bucket: str, registrar: User, case: Case
) -> None:
    document = make_incoming(case)
    before = store_bytes(samples.pdf("Före avbrottet"), "fore.pdf")
    kept = do_attach_file(document, before, "Före.pdf", actor=None)
    client, api = signed_in(registrar), with_key(registrar)
    data = samples.pdf("Under avbrottet")
    seaweedfs.stop()
    try:
        with pytest.raises(StorageUnavailable) as failed, translation.override("sv"):
            store_bytes(data, "avbrott.pdf")
        with translation.override("sv"):
            assert str(failed.value) == UNAVAILABLE

        form = client.post(
            f"/arenden/{case.pk}/filer/",
            {"document": 1, "upload": SimpleUploadedFile("Avbrott.pdf", data)},
        )
        assert form.status_code == 200
        assert UNAVAILABLE in form.content.decode()
        registration = client.post(
            "/registrera/",
            {
                "mode": "nytt", "authority": case.authority_id, "title": "Ansökan om bygglov",
                "direction": "inkommen", "document_date": timezone.localdate().isoformat(),
                "counterpart": "Anna Andersson", "description": "Ansökan",
                "uploads": [SimpleUploadedFile("Ansökan.pdf", data)],
            },
        )  # fmt: skip
        assert registration.status_code == 200
        assert UNAVAILABLE in registration.content.decode()
        assert list(Case.objects.all()) == [case]

        answer = api.post(
            f"/api/v1/documents/{document.pk}/files",
            {"file": SimpleUploadedFile("Avbrott.pdf", data)},
        )
        assert (answer.status_code, answer.json()) == (503, {"detail": UNAVAILABLE})
        assert int(answer["Retry-After"]) > 0

        page = f"/arenden/{case.pk}/handlingar/{document.number}/filer/{kept.pk}/"
        read = client.get(page)
        assert read.status_code == 503 and UNAVAILABLE in read.content.decode()
        read_api = api.get(f"/api/v1/files/{kept.pk}")
        assert (read_api.status_code, read_api.json()) == (503, {"detail": UNAVAILABLE})

        assert list(StoredFile.objects.all()) == [before]
        assert list(DocumentFile.objects.all()) == [kept]
    finally:
        seaweedfs.start()

    retried = client.post(
        f"/arenden/{case.pk}/filer/",
        {"document": 1, "upload": SimpleUploadedFile("Avbrott.pdf", data)},
    )
    assert retried.status_code == 302
    assert DocumentFile.objects.count() == 2
    assert seaweedfs.objects(bucket)[storage_name(sha256(data))] == data
    assert body(client.get(page)) == samples.pdf("Före avbrottet")
