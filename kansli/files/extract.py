"""The text of stored files, for search, extracted in the background.

`queue_extraction` (which storing new files calls) runs `extract_file_text` in
`kansli worker` once the transaction commits (`extract_files_text` for several files
stored together, files_per_task() to a task). The task sets the file's extraction to
done with the text, to unsupported for types without text here (images, RTF and the
Office formats other than DOCX), or to failed with the error (a damaged or
password-protected file, for instance).

Whoever needs to know when a file's text is ready (the search index) appends a function
to `on_text_extracted`: after each successful extraction the task calls every function
in it with the StoredFile, in order, outside any transaction; again when the task runs
again (after a lost worker), so each must do no more the second time. A function that
raises stops the ones after it and marks the task failed in the task results; the text
is saved all the same. The readers themselves are in kansli.files.readers, loaded by
the first extraction."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django_tasks import task

from kansli.files.models import StoredFile
from kansli.files.sandbox import OverLimit, describe

on_text_extracted: list[Callable[[StoredFile], None]] = []

OVER_LIMIT = "Texten kunde inte tas fram inom gränserna för minne och tid"


def extract_text(stored: StoredFile) -> str:
    """The text of the stored file. Raises readers.Unsupported for a type without text here,
    ReadFailed for a file its reader cannot read and OverLimit for one that needs more
    memory or time than kansli.files.sandbox gives it."""
    from kansli.files.readers import text_of  # loaded here, before the child is forked

    with stored.open() as file:
        return text_of(file, stored.content_type)


logger = logging.getLogger(__name__)

FILES_PER_TASK = 20  # at most: an archive package's files, a task row each, were 8 % of
# an import's time; more to a task would leave the other workers idle longer


def files_per_task() -> int:
    """How many files one extract_files_text task takes: each may be read for up to
    EXTRACT_SECONDS, and the task must end well before TASK_STALE_SECONDS, after which
    a worker of another machine takes it for lost and runs it again
    (kansli.web.taskrecovery). 6 with the defaults (900 and 120 seconds)."""
    fits = int(settings.TASK_STALE_SECONDS * 0.8) // max(1, settings.EXTRACT_SECONDS)
    return max(1, min(FILES_PER_TASK, fits))


@task()
def extract_file_text(stored_file_id: int) -> str:
    """Extract a stored file's text and record the outcome; returns the status."""
    return _extract(stored_file_id)


@task()
def extract_files_text(stored_file_ids: list[int]) -> list[str]:
    """extract_file_text for each of several files, in order ("gone" for one deleted
    since). A file that cannot be read is recorded as failed on it; a function of
    on_text_extracted that raises is logged, and fails the task with the first such
    error once every file has been tried (as with a task each). Run again after a lost
    worker, a file whose text is there is not read again (one that failed is, as by
    extract_file_text)."""
    statuses: list[str] = []
    raised: Exception | None = None
    for stored_file_id in stored_file_ids:
        try:
            statuses.append(_extract(stored_file_id))
        except StoredFile.DoesNotExist:
            statuses.append("gone")
        except Exception as error:  # the rest are extracted all the same
            logger.exception("Stored file %s: its text or its listeners failed", stored_file_id)
            raised = raised or error
    if raised is not None:
        raise raised
    return statuses


def _extract(stored_file_id: int) -> str:
    """Extract a stored file's text and record the outcome; returns the status. A file
    whose text is already there (extracted at once, e.g. by the demo, or by this task
    run before by a worker killed before it finished) keeps it: the bytes never change,
    so neither would the text. Whoever waits for the text is told again all the same,
    since the killed run may not have told them (the callbacks may be called twice)."""
    from kansli.files.readers import Unsupported

    stored = StoredFile.objects.get(pk=stored_file_id)
    if stored.extraction == StoredFile.Extraction.DONE:
        for callback in on_text_extracted:
            callback(stored)
        return str(stored.extraction)
    try:
        # PostgreSQL's text cannot hold NUL, which some PDFs put in their text. More than
        # MAX_TEXT_CHARS is cut: pages and the index need no more, the file is all there.
        text = extract_text(stored)
    except Unsupported:
        _record(stored, StoredFile.Extraction.UNSUPPORTED)
    except OverLimit as error:
        _record(stored, StoredFile.Extraction.FAILED, error=f"{OVER_LIMIT} ({error})")
    except Exception as error:  # an unreadable file is the file's failure, not the worker's
        _record(stored, StoredFile.Extraction.FAILED, error=describe(error))
    else:
        _record(stored, StoredFile.Extraction.DONE, text=text)
        for callback in on_text_extracted:
            callback(stored)
    return str(stored.extraction)


def _record(stored: StoredFile, status: str, *, text: str = "", error: str = "") -> None:
    stored.extraction = status
    stored.text = text
    stored.extraction_error = error
    stored.save(update_fields=["extraction", "text", "extraction_error"])


def queue_extraction(*stored: StoredFile) -> None:
    """Extract the files' text in the background once the current transaction commits:
    one file by extract_file_text, several files_per_task() to an extract_files_text
    task. The tasks are queued in one transaction: with the database's task queue one
    commit for all of an archive package's files, not one per file."""
    ids = [file.pk for file in stored]

    def enqueue() -> None:
        if len(ids) == 1:
            extract_file_text.enqueue(ids[0])
            return
        size = files_per_task()
        with transaction.atomic():
            for start in range(0, len(ids), size):
                extract_files_text.enqueue(ids[start : start + size])

    transaction.on_commit(enqueue)
