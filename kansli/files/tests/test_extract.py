from __future__ import annotations

import io
from typing import IO

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kansli.files import extract, readers
from kansli.files.extract import extract_file_text, extract_text
from kansli.files.models import StoredFile
from kansli.files.readers import Unsupported
from kansli.files.store import store_bytes, store_uploads
from kansli.files.tests import samples

pytestmark = pytest.mark.django_db

Extraction = StoredFile.Extraction


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("beslut.pdf", samples.pdf("Beslut", samples.SWEDISH), ["Beslut", samples.SWEDISH]),
        ("yttrande.docx", samples.word(), [samples.SWEDISH, "Dnr KS 2025/17\tNämndbeslut"]),
        ("skrivelse.odt", samples.odt(), ["Tjänsteskrivelse", samples.SWEDISH]),
        ("budget.ods", samples.ods(), ["Årsbudget för äldreomsorg"]),
        ("brev.txt", samples.SWEDISH.encode(), [samples.SWEDISH]),
        ("brev.txt", samples.SWEDISH.encode("cp1252"), [samples.SWEDISH]),
        ("brev.txt", samples.SWEDISH.encode("utf-16"), [samples.SWEDISH]),
    ],
)
def test_documents(name: str, data: bytes, words: list[str]) -> None:
    text = extract_text(store_bytes(data, name))
    for word in words:
        assert word in text


def test_pdf_pages_in_order() -> None:
    writer = pypdf.PdfWriter()
    for line in ("Första sidan", "Andra sidan"):
        writer.append(pypdf.PdfReader(io.BytesIO(samples.pdf(line))))
    out = io.BytesIO()
    writer.write(out)
    text = extract_text(store_bytes(out.getvalue(), "två sidor.pdf"))
    assert text.index("Första sidan") < text.index("Andra sidan")


def test_eml() -> None:
    data = samples.eml(attachments={"överklagande.pdf": samples.pdf()})
    text = extract_text(store_bytes(data, "brev.eml")).splitlines()
    assert text == [
        "Överklagande av bygglov",
        "Åsa Öberg <asa.oberg@example.se>",
        "Registrator <registrator@exempelstad.se>",
        "Johan Berg <johan.berg@exempelstad.se>",
        "2025-03-14 10:30",
        "Hej! Här kommer överklagandet gällande Ängsgården.",
        "överklagande.pdf",
    ]


def test_msg() -> None:
    data = samples.msg(attachments=[("ansökan.pdf", samples.pdf(), "")])
    text = extract_text(store_bytes(data, "brev.msg"))
    for word in ("Bygglov på Ängsvägen 3", "Åsa Öberg", "förrådet", "ansökan.pdf"):
        assert word in text


@pytest.mark.parametrize(
    ("name", "data"),
    [("foto.png", samples.png()), ("karta.jpg", samples.JPEG), ("gammal.doc", samples.doc())],
)
def test_types_without_text(name: str, data: bytes) -> None:
    with pytest.raises(Unsupported):
        extract_text(store_bytes(data, name))


def run(stored: StoredFile) -> StoredFile:
    """Run the task as the worker would and return the file as it left it."""
    status = extract_file_text.call(stored.pk)
    stored.refresh_from_db()
    assert status == stored.extraction
    return stored


def test_task_records_the_text() -> None:
    stored = run(store_bytes(samples.odt(), "skrivelse.odt"))
    assert stored.extraction == Extraction.DONE
    assert samples.SWEDISH in stored.text
    assert stored.extraction_error == ""


def test_a_file_already_extracted_is_not_extracted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = run(store_bytes(samples.odt(), "skrivelse.odt"))
    calls: list[StoredFile] = []
    monkeypatch.setattr("kansli.files.extract.extract_text", calls.append)
    assert run(stored).text == stored.text
    assert calls == []


def test_task_marks_images_unsupported() -> None:
    stored = run(store_bytes(samples.png(), "foto.png"))
    assert (stored.extraction, stored.text, stored.extraction_error) == (
        Extraction.UNSUPPORTED,
        "",
        "",
    )


def test_task_records_why_a_password_protected_pdf_failed() -> None:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(samples.pdf()))
    writer.encrypt(user_password="hemligt", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)

    stored = run(store_bytes(out.getvalue(), "skyddad.pdf"))

    assert stored.extraction == Extraction.FAILED
    assert stored.extraction_error == "FileNotDecryptedError: File has not been decrypted"


def test_task_records_why_a_damaged_mail_failed() -> None:
    data = samples.eml(attachments={"a.pdf": samples.pdf()})
    stored = run(store_bytes(data[: len(data) * 2 // 3], "brev.eml"))
    assert stored.extraction == Extraction.FAILED
    assert stored.extraction_error == (
        "E-postfilen kunde inte läsas: den tar slut mitt i meddelandet."
    )


def test_task_drops_nul_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    def text_with_nul(file: IO[bytes]) -> str:
        return "Be\x00slut"

    monkeypatch.setitem(readers.EXTRACTORS, "text/plain", text_with_nul)
    assert run(store_bytes(b"Beslut", "beslut.txt")).text == "Beslut"


def test_task_tells_the_listeners_when_text_is_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[tuple[int, str]] = []
    monkeypatch.setattr(
        extract, "on_text_extracted", [lambda stored: told.append((stored.pk, stored.text))]
    )
    done = run(store_bytes("Kallelse till sammanträde".encode(), "kallelse.txt"))
    run(store_bytes(samples.png(), "foto.png"))

    assert told == [(done.pk, "Kallelse till sammanträde")]


@pytest.mark.django_db(transaction=True)
def test_the_worker_extracts_queued_files() -> None:
    text = store_bytes(samples.word(), "yttrande.docx")
    image = store_bytes(samples.png(), "foto.png")
    assert DBTaskResult.objects.count() == 2  # queued when each upload committed

    call_command("worker", batch=True)

    text.refresh_from_db()
    image.refresh_from_db()
    assert (text.extraction, image.extraction) == (Extraction.DONE, Extraction.UNSUPPORTED)
    assert samples.SWEDISH in text.text
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }


@pytest.mark.django_db(transaction=True)
def test_files_stored_together_are_extracted_a_few_to_a_task() -> None:
    """An archive package's files: files_per_task() to a task, each file's outcome its
    own, every task done by the worker."""
    size = extract.files_per_task()
    uploads = [
        SimpleUploadedFile(f"brev-{number}.txt", f"Brev nummer {number} om bygglov".encode())
        for number in range(size + 3)
    ]
    uploads.append(SimpleUploadedFile("foto.png", samples.png()))
    stored = store_uploads(uploads, [None] * len(uploads))
    tasks = DBTaskResult.objects.all()
    assert sorted(len(task.args_kwargs["args"][0]) for task in tasks) == sorted([size, 4])
    assert {task.task_path for task in tasks} == {"kansli.files.extract.extract_files_text"}

    call_command("worker", batch=True)

    done = StoredFile.objects.in_bulk([one.pk for one in stored])
    assert [done[one.pk].extraction for one in stored] == [Extraction.DONE] * (size + 3) + [
        Extraction.UNSUPPORTED
    ]
    assert "Brev nummer 7 om bygglov" in done[stored[7].pk].text
    assert set(tasks.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}


def test_a_listener_that_fails_on_one_file_leaves_the_others_extracted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = (
        store_bytes(f"Skrivelse {n} till nämnden".encode(), f"s{n}.txt") for n in (1, 2)
    )
    told: list[int] = []

    def fails_on_the_first(stored: StoredFile) -> None:
        told.append(stored.pk)
        if stored.pk == first.pk:
            raise RuntimeError("indexet svarar inte")

    monkeypatch.setattr(extract, "on_text_extracted", [fails_on_the_first])

    gone = store_bytes(b"Borttagen", "borta.txt")
    StoredFile.objects.filter(pk=gone.pk).delete()

    with pytest.raises(RuntimeError, match="indexet svarar inte"):
        extract.extract_files_text.call([first.pk, gone.pk, second.pk])

    assert told == [first.pk, second.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.extraction, second.extraction) == (Extraction.DONE, Extraction.DONE)


@pytest.mark.parametrize(
    ("stale", "extract_seconds", "files"),
    [(900, 120, 6), (900, 1000, 1), (86_400, 10, extract.FILES_PER_TASK), (3600, 120, 20)],
)
def test_a_task_of_files_ends_before_a_worker_would_take_it_for_lost(
    stale: int, extract_seconds: int, files: int
) -> None:
    """Each file may be read for EXTRACT_SECONDS; a task running past
    TASK_STALE_SECONDS is run again by another machine's worker."""
    with override_settings(TASK_STALE_SECONDS=stale, EXTRACT_SECONDS=extract_seconds):
        assert extract.files_per_task() == files
