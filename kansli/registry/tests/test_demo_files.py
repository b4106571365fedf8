"""The demo's real files: PDF letters and DOCX reports whose text search finds."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db.models import Q

from kansli.files.detect import DOCX, PDF
from kansli.files.models import StoredFile
from kansli.org.models import User
from kansli.registry import demo_files
from kansli.registry.models import Document, DocumentFile
from kansli.search.query import search
from kansli.search.text import words


def registration_words(document: Document) -> set[str]:
    """Every word the registration itself (not its files) is found by."""
    case = document.case
    parts = [case.case_number, case.title, document.description, document.counterpart,
             document.document_type, *case.parties.values_list("name", flat=True)]  # fmt: skip
    return set(words(" ".join(parts)))


@pytest.mark.django_db
def test_the_demo_attaches_pdf_and_docx_that_search_finds_by_a_word_only_in_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("demo", "--no-serve", "--scale", "0.02")
    attached = DocumentFile.objects.select_related("stored", "document__case__authority")
    # The committee demo's reports and minutes extracts are not the registry demo's files.
    meetings = attached.filter(Q(name="tjansteskrivelse.pdf") | Q(name__startswith="protokoll"))
    assert meetings.exists()
    attached = attached.exclude(pk__in=meetings.values("pk"))
    # Nor are what the requests' and the e-services' demos register (issue 14).
    from kansli.eservices.models import Submission

    attached = attached.exclude(document__case__access_request__isnull=False).exclude(
        document__in=Submission.objects.values("document")
    )
    # Nor the e-archive demo's building permit case (issue 17).
    attached = attached.exclude(document__case__title__startswith="Ansökan om bygglov för förråd")
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Filer:"))
    assert line.startswith(f"Filer: {attached.count()} bifogade")
    assert not attached.exclude(stored__extraction=StoredFile.Extraction.DONE).exists()
    assert not meetings.exclude(stored__extraction=StoredFile.Extraction.DONE).exists()
    # No registration in the demo has a word the files carry for search to find.
    for document in Document.objects.select_related("case__authority"):
        assert not registration_words(document) & set(demo_files.MARKERS), document

    registrar = User.objects.get(username="registrator")
    for file_type, direction in [(PDF, "inkommen"), (DOCX, "upprattad")]:
        files = attached.filter(stored__content_type=file_type.mime, document__direction=direction)
        assert files.exists(), file_type
        file = files.first()
        assert file is not None
        document, text = file.document, file.stored.text
        # The file says what its registration says ...
        assert document.case.title in " ".join(text.split())
        assert document.case.case_number in text or document.counterpart in text
        # ... and more: a word found in the file only, by which search finds the document.
        word = next(w for w in demo_files.MARKERS if w in words(text))
        assert word not in registration_words(document)
        assert document in search(registrar, word, limit=1000).hits, (file_type, word)


def test_the_files_are_the_same_for_the_same_seed() -> None:
    case = demo_files.papers(
        random.Random(1), title="Medborgarförslag om fler parkbänkar", case_number="KS 2025/7",
        authority="Kommunstyrelsen", municipality="Exempelstads kommun", sender="Anna Nilsson",
        description="Medborgarförslag", received=datetime.date(2025, 3, 4),
    )  # fmt: skip
    first = demo_files.letter_paragraphs(random.Random(5), case)
    assert first == demo_files.letter_paragraphs(random.Random(5), case)
    assert "fler parkbänkar" in first[0]
    pdf = demo_files.letter_pdf(random.Random(5), case)
    assert pdf.startswith(b"%PDF") and pdf == demo_files.letter_pdf(random.Random(5), case)
    day = datetime.date(2025, 3, 24)
    report = demo_files.report_docx(random.Random(5), case, day, "Johan Berg")
    assert report.startswith(b"PK")
    assert demo_files.file_name("Tjänsteskrivelse", case, ".docx") == (
        "Tjänsteskrivelse KS 2025-7.docx"
    )
