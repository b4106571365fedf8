"""Active content in PDFs (issue 12, part 6): found when a PDF is stored and shown to the
registrar; gone from every copy Kansli hands on (the meeting pack, a published file, a
decision sent by e-mail), while the registered original stays as it came."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from django.test import Client
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from kansli.files import pdfactive
from kansli.files.extract import extract_file_text
from kansli.files.store import store_bytes
from kansli.files.tests import samples

MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFiles", b"app.alert", b"calc.exe")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _write(writer: pypdf.PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def opening_with(action: str, key: str, value: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(samples.pdf("Beslut om bygglov")))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject(action), NameObject(key): TextStringObject(value)}
    )
    return _write(writer)


def with_javascript() -> bytes:
    return opening_with("/JavaScript", "/JS", "app.alert('hej');")


def with_launch() -> bytes:
    return opening_with("/Launch", "/F", "calc.exe")


def with_attachment() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(samples.pdf("Beslut om bygglov")))
    writer.add_attachment("faktura.exe", b"MZ\x90\x00")
    return _write(writer)


ACTIVE = [
    (with_javascript, ["javascript"]),
    (with_launch, ["launch"]),
    (with_attachment, ["embedded"]),
]


@pytest.mark.parametrize(("make", "kinds"), ACTIVE, ids=["js", "launch", "attachment"])
def test_active_content_is_found_and_cleaned_away(make: Any, kinds: list[str]) -> None:
    data = make()
    assert pdfactive.findings(data) == kinds
    copy = pdfactive.cleaned(data)
    assert pdfactive.findings(copy) == []
    assert not any(marker in copy for marker in MARKERS)
    assert "Beslut om bygglov" in pypdf.PdfReader(io.BytesIO(copy)).pages[0].extract_text()


def test_a_plain_pdf_is_left_as_it_is() -> None:
    data = samples.pdf("Kallelse")
    assert pdfactive.findings(data) == []
    assert pdfactive.cleaned(data) is data


def test_a_damaged_pdf_is_said_to_be_unchecked_not_a_crash() -> None:
    assert pdfactive.findings(b"%PDF-1.7\n1 0 obj << /Type /Catalog") == ["unreadable"]


@pytest.mark.django_db
def test_the_registrar_is_told_and_the_published_copy_is_clean(settings: Any) -> None:
    from kansli.org.models import Role
    from kansli.org.testing import make_user
    from kansli.public.actions import do_publish_file
    from kansli.registry.actions import do_attach_file
    from kansli.registry.testing import make_incoming

    document = make_incoming()
    stored = store_bytes(with_javascript(), "beslut.pdf")
    assert stored.active_content == "javascript"
    document_file = do_attach_file(document, stored, "beslut.pdf", actor=None)
    registrar = make_user(roles=[(Role.REGISTRAR, document.case.authority)])
    client = Client()
    client.force_login(registrar)
    page = client.get(f"/arenden/{document.case_id}/").content.decode()
    assert "PDF:en innehåller JavaScript" in page

    # The registered original is as it came.
    original = client.get(
        f"/arenden/{document.case_id}/handlingar/{document.number}/filer/{document_file.pk}/"
    )
    assert b"/JavaScript" in body(original)

    extract_file_text.call(stored.pk)  # a file is published once its text is read
    do_publish_file(document_file, actor=registrar)
    answer = Client().get(f"/diarium/filer/{document_file.pk}/beslut.pdf")
    assert answer.status_code == 200
    copy = body(answer)
    assert not any(marker in copy for marker in MARKERS)
    assert int(answer["Content-Length"]) == len(copy)


@pytest.mark.django_db
def test_a_pdf_that_hangs_the_check_is_stored_as_unchecked(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs within the sandbox's limits, so a PDF built to hang pypdf costs
    the request at most EXTRACT_SECONDS and is noted as unchecked."""
    import time

    def hanging(data: bytes) -> list[str]:
        time.sleep(60)
        return []

    settings.EXTRACT_SECONDS = 1
    monkeypatch.setattr(pdfactive, "findings", hanging)
    started = time.monotonic()
    stored = store_bytes(with_javascript(), "beslut.pdf")
    assert time.monotonic() - started < 10
    assert stored.active_content == "unreadable"


@pytest.mark.django_db
def test_a_pdf_whose_check_failed_is_not_read_again_when_handed_on(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Its check ran in the sandbox; cleaning it would run pypdf on it in the process
    handing it on (a web request, a task), outside the limits."""
    from kansli.files.download import handed_on

    settings.MEDIA_ROOT = tmp_path / "media"
    stored = store_bytes(with_javascript(), "beslut.pdf")
    stored.active_content = pdfactive.UNREADABLE
    monkeypatch.setattr(pdfactive, "cleaned", lambda data: pytest.fail("read again"))
    with stored.open() as handle:
        assert handed_on(stored) == handle.read()


@pytest.mark.django_db
def test_a_pdf_whose_cleaning_runs_over_the_limits_goes_on_as_it_is_and_is_not_cleaned_again(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Its check passed, in the sandbox; cleaning it (on every public download) runs in
    a child too, and one that runs over the limits is from then on unreadable as well
    (what was found kept): handed on as it is, refused by the meeting pack, never tried
    again."""
    import time

    from kansli.files.download import handed_on
    from kansli.files.models import StoredFile

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXTRACT_SECONDS = 1
    stored = store_bytes(with_javascript(), "beslut.pdf")
    assert stored.active_content == "javascript"
    with stored.open() as handle:
        original = handle.read()
    assert pdfactive.findings(handed_on(stored)) == []  # cleaned, in the child

    def hanging(data: bytes) -> bytes:
        time.sleep(60)
        return data

    monkeypatch.setattr(pdfactive, "cleaned", hanging)
    started = time.monotonic()
    assert handed_on(stored) == original
    assert time.monotonic() - started < 10
    kept = StoredFile.objects.get(pk=stored.pk)
    assert kept.active_content == "javascript,unreadable" and kept.unreadable_pdf
    monkeypatch.setattr(pdfactive, "cleaned", lambda data: pytest.fail("cleaned again"))
    assert handed_on(StoredFile.objects.get(pk=stored.pk)) == original


@pytest.mark.django_db
def test_a_copy_not_cleaned_in_the_request_s_time_is_asked_for_again(tmp_path: Any) -> None:
    """Out of the request's time is not the file's failure: 503, nothing recorded."""
    from kansli.files.download import file_response
    from kansli.files.models import StoredFile
    from kansli.files.sandbox import deadline

    stored = store_bytes(with_javascript(), "beslut.pdf")
    with deadline(0):
        response = file_response(stored, "beslut.pdf", copy=True)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "hann inte göras i ordning" in response.content.decode()  # type: ignore[attr-defined]
    assert StoredFile.objects.get(pk=stored.pk).active_content == "javascript"


def test_many_pdfs_are_checked_together_as_each_alone() -> None:
    pdfs = [with_javascript(), samples.pdf("Beslut"), with_launch(), b"%PDF-1.4 trasig"]
    assert pdfactive.checked_many(pdfs) == [pdfactive.checked(pdf) for pdf in pdfs]
    assert pdfactive.checked_many(pdfs) == ["javascript", "", "launch", "unreadable"]


@pytest.mark.django_db
def test_a_pdf_that_hangs_the_batch_leaves_the_others_checked(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One hostile PDF in a batch: the batch goes over the time limit, each is then
    read alone, and only that one is unchecked."""
    import time

    real = pdfactive.findings
    hostile = with_launch()

    def hanging_on_one(data: bytes) -> list[str]:
        if data == hostile:
            time.sleep(60)
        return real(data)

    settings.EXTRACT_SECONDS = 1
    monkeypatch.setattr(pdfactive, "findings", hanging_on_one)
    found = pdfactive.checked_many([with_javascript(), hostile, with_attachment()])
    assert found == ["javascript", "unreadable", "embedded"]


@pytest.mark.django_db
def test_a_file_with_active_content_left_in_it_is_never_shown_in_the_browser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The member portal shows a document's copy in the browser: cleaned, it is shown;
    one that went on as it is (its cleaning failed), and any original with active
    content, is downloaded under the sandbox policy instead, so that the browser's PDF
    viewer never runs its script."""
    from kansli.files.download import file_response
    from kansli.files.sandbox import OverLimit

    stored = store_bytes(with_javascript(), "beslut.pdf")
    shown = file_response(stored, "beslut.pdf", inline=True, copy=True)
    assert shown["Content-Disposition"].startswith("inline")
    assert pdfactive.findings(body(shown)) == []
    original = file_response(stored, "beslut.pdf", inline=True)
    assert original["Content-Disposition"].startswith("attachment")
    assert original["Content-Security-Policy"] == "sandbox; default-src 'none'"

    def over(data: bytes, work: Any, **_: Any) -> bytes:
        raise OverLimit("tog längre än 1 s")

    monkeypatch.setattr("kansli.files.download.within_limits", over)
    uncleaned = file_response(stored, "beslut.pdf", inline=True, copy=True)
    assert b"/JavaScript" in body(uncleaned)
    assert uncleaned["Content-Disposition"].startswith("attachment")
    assert uncleaned["Content-Security-Policy"] == "sandbox; default-src 'none'"
    plain = store_bytes(samples.pdf("Kallelse"), "kallelse.pdf")
    assert file_response(plain, "kallelse.pdf", inline=True)["Content-Disposition"].startswith(
        "inline"
    )
