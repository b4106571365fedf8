from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django_tasks_db.models import DBTaskResult

from kansli.files import store
from kansli.files.models import StoredFile
from kansli.files.store import MEGABYTE, store_bytes, store_upload
from kansli.files.tests import samples

pytestmark = pytest.mark.django_db

ACCEPTED = (
    "CSV, DOC, DOCX, EML, JPEG, JPG, MSG, ODP, ODS, ODT, PDF, PNG, PPTX, RTF, TIF, TIFF, "
    "TXT, XLS, XLSX"
)


def files_in(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def test_stores_the_bytes_under_their_hash(media: Path) -> None:
    data = samples.pdf()
    sha256 = hashlib.sha256(data).hexdigest()

    stored = store_bytes(data, "överklagande.pdf")

    assert (stored.sha256, stored.size, stored.content_type) == (
        sha256,
        len(data),
        "application/pdf",
    )
    assert stored.extraction == StoredFile.Extraction.PENDING
    assert stored.created_at is not None
    assert stored.storage_name == f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert files_in(media) == [media / stored.storage_name]
    with stored.open() as file:
        assert file.read() == data


def test_the_same_content_twice_is_one_file(media: Path) -> None:
    content = samples.word()  # built once: a DOCX carries the second it was made
    first = store_bytes(content, "yttrande.docx")
    second = store_upload(SimpleUploadedFile("yttrande v2.docx", content))

    assert second.pk == first.pk
    assert StoredFile.objects.count() == 1
    assert files_in(media) == [media / first.storage_name]


def test_new_content_is_a_new_file(media: Path) -> None:
    first = store_bytes(samples.word(paragraph="Version 1"), "yttrande.docx")
    second = store_bytes(samples.word(paragraph="Version 2"), "yttrande.docx")

    assert first.pk != second.pk
    assert len(files_in(media)) == 2


def test_a_large_upload_is_streamed_from_its_temporary_file() -> None:
    data = ("Kommunfullmäktiges protokoll\n" * 200_000).encode()  # about 6 MB
    uploaded = TemporaryUploadedFile("protokoll.txt", "text/plain", len(data), "utf-8")
    uploaded.write(data)

    stored = store_upload(uploaded)
    uploaded.close()  # as the request does when it ends; the file was moved into the storage

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.content_type == "text/plain"
    with stored.open() as file:
        assert file.read() == data


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("skanning", samples.pdf(), "application/pdf"),
        ("bilaga.dat", samples.odt(), "application/vnd.oasis.opendocument.text"),
        ("brev.txt", samples.eml(), "message/rfc822"),
        ("lista.csv", "namn;ort\nÅsa;Örebro\n".encode("cp1252"), "text/plain"),
        ("foto.JPG", samples.JPEG, "image/jpeg"),
    ],
)
def test_the_type_comes_from_the_content(name: str, data: bytes, content_type: str) -> None:
    assert store_bytes(data, name).content_type == content_type


def refused(data: bytes | Callable[[], Any], name: str = "") -> str:
    with pytest.raises(ValidationError) as error:
        store_bytes(data, name) if isinstance(data, bytes) else data()
    return " ".join(error.value.messages)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tom.pdf", "Filen är tom."),
        (
            samples.word(),
            "beslut.pdf",
            "Filen heter .pdf men innehållet är ett Word-dokument (DOCX).",
        ),
        (samples.zipped(), "beslut.pdf", "Filen heter .pdf men innehållet är ett ZIP-arkiv."),
        (
            samples.EXE,
            "faktura.pdf",
            "Filen heter .pdf men innehållet är ett Windows-program (EXE).",
        ),
        (samples.pdf(), "beslut.docx", "Filen heter .docx men innehållet är en PDF-fil."),
        (samples.NOISE, "protokoll.odt", "Filen heter .odt men innehållet är av okänd typ."),
        (samples.msg(), "brev.eml", "Filen heter .eml men innehållet är ett Outlook-e-brev (MSG)."),
        (samples.ELF, "verktyg", "Filen är ett Linux-program (ELF); program tas inte emot."),
        (samples.MACHO, "", "Filen är ett macOS-program (Mach-O); program tas inte emot."),
        (
            samples.pdf(),
            "beslut.pdf.exe",
            "Filen heter .exe, vilket är ett program; program tas inte emot.",
        ),
        (
            b"@echo off\r\ndel *.*\r\n",
            "rensa.bat",
            "Filen heter .bat, vilket är ett program; program tas inte emot.",
        ),
        (
            samples.zipped(),
            "handlingar.zip",
            f"Filen är ett ZIP-arkiv, som inte tas emot. Tillåtna filtyper: {ACCEPTED}.",
        ),
        (
            samples.GIF,
            "logga",
            f"Filen är en fil av typen image/gif, som inte tas emot. "
            f"Tillåtna filtyper: {ACCEPTED}.",
        ),
        (samples.NOISE, "data", f"Filtypen känns inte igen. Tillåtna filtyper: {ACCEPTED}."),
    ],
)
def test_refused_files_are_not_stored(data: bytes, name: str, message: str, media: Path) -> None:
    assert refused(data, name) == message
    assert not StoredFile.objects.exists()
    assert files_in(media) == []


def test_size_limit(settings: Any, media: Path) -> None:
    assert settings.MAX_UPLOAD_MB == 100
    too_large = InMemoryUploadedFile(
        io.BytesIO(b"x"), None, "stor.pdf", "application/pdf", 100 * MEGABYTE + 1, None
    )
    assert refused(lambda: store_upload(too_large)) == "Filen är större än 100 MB."

    settings.MAX_UPLOAD_MB = 1
    text = b"a" * MEGABYTE
    assert store_bytes(text, "precis.txt").size == MEGABYTE
    assert refused(text + b"a", "over.txt") == "Filen är större än 1 MB."
    assert StoredFile.objects.count() == 1


def test_a_row_made_by_a_concurrent_upload_is_the_one_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other upload makes the row after this one looked for it and before it makes
    its own: the unique hash turns this one's insert into a lookup."""
    data = samples.pdf()
    put = store._put

    def put_while_another_upload_finishes(*args: Any) -> None:
        put(*args)
        StoredFile.objects.create(
            sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type="application/pdf"
        )

    monkeypatch.setattr(store, "_put", put_while_another_upload_finishes)
    queued: list[StoredFile] = []
    monkeypatch.setattr(store, "queue_extraction", queued.append)

    stored = store_bytes(data, "beslut.pdf")

    assert StoredFile.objects.get() == stored
    assert queued == []  # the upload that made the row queued its extraction


def test_a_file_written_by_a_concurrent_upload_is_kept(
    monkeypatch: pytest.MonkeyPatch, media: Path
) -> None:
    """Both uploads found no file and wrote one; the storage names the second copy
    differently, and that copy goes."""
    data = samples.pdf()
    name = store_bytes(data, "beslut.pdf").storage_name
    StoredFile.objects.all().delete()
    exists = default_storage.exists
    looks: list[str] = []

    def exists_after_the_first_look(name: str) -> bool:
        looks.append(name)
        return len(looks) > 1 and exists(name)

    monkeypatch.setattr(default_storage, "exists", exists_after_the_first_look)

    store_bytes(data, "beslut.pdf")

    assert files_in(media) == [media / name]


def test_a_file_left_by_a_rolled_back_upload_is_used(media: Path) -> None:
    data = samples.pdf()
    name = store_bytes(data, "beslut.pdf").storage_name
    StoredFile.objects.all().delete()
    written = (media / name).stat().st_mtime_ns

    stored = store_bytes(data, "beslut.pdf")

    assert stored.storage_name == name
    assert files_in(media) == [media / name]
    assert (media / name).stat().st_mtime_ns == written


def test_a_file_cut_off_by_a_crash_is_written_again(media: Path) -> None:
    data = samples.pdf()
    name = store_bytes(data, "beslut.pdf").storage_name
    StoredFile.objects.all().delete()
    (media / name).write_bytes(data[:100])

    stored = store_bytes(data, "beslut.pdf")

    assert files_in(media) == [media / name]
    with stored.open() as file:
        assert file.read() == data


def test_a_new_file_is_queued_for_extraction_on_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = store_bytes(samples.pdf(), "beslut.pdf")
        store_bytes(samples.pdf(), "samma.pdf")
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "kansli.files.extract.extract_file_text"
    assert queued.args_kwargs == {"args": [stored.pk], "kwargs": {}}


def test_the_hash_is_checked_by_the_model() -> None:
    with pytest.raises(ValidationError):
        StoredFile(sha256="ABC", size=1, content_type="text/plain").full_clean()


def test_many_files_are_stored_at_once_as_one_at_a_time_would_be(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    there = store_bytes(samples.pdf("Kallelse"), "kallelse.pdf")
    uploads = [
        SimpleUploadedFile("protokoll.pdf", samples.pdf("Protokoll")),
        SimpleUploadedFile("kallelse igen.pdf", samples.pdf("Kallelse")),  # stored already
        SimpleUploadedFile("brev.txt", "Brev till nämnden".encode()),
        SimpleUploadedFile("kopia.txt", "Brev till nämnden".encode()),  # the same twice
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = store.store_uploads(uploads, [None, None, None, None])
    assert stored[1] == there and stored[2] == stored[3]
    assert [s.content_type for s in stored] == [
        "application/pdf", "application/pdf", "text/plain", "text/plain",
    ]  # fmt: skip
    assert StoredFile.objects.count() == 3 and len(callbacks) == 1  # one commit queues
    queued = DBTaskResult.objects.get()  # one task for the new files together
    assert queued.task_path == "kansli.files.extract.extract_files_text"
    assert sorted(queued.args_kwargs["args"][0]) == sorted([stored[0].pk, stored[2].pk])
    for one in stored:
        with default_storage.open(one.storage_name) as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == one.sha256


def test_many_files_are_refused_whole_naming_the_one_refused(media: Path) -> None:
    uploads = [
        SimpleUploadedFile("brev.txt", "Brev till nämnden".encode()),
        SimpleUploadedFile("program.exe", b"MZ\x90\x00" + b"\x00" * 100),
    ]
    with pytest.raises(ValidationError, match=r"^\['program\.exe: "):
        store.store_uploads(uploads, [None, None])
    with pytest.raises(ValidationError, match=r"^\['data/2/01-program\.exe: "):
        store.store_uploads(uploads, [None, None], ["data/1/01-brev.txt", "data/2/01-program.exe"])
    assert StoredFile.objects.count() == 0 and files_in(media) == []
