"""Receiving a file: check it, store its bytes once under their SHA-256 and queue the
extraction of its text.

Storing is not an action and writes no audit event: a StoredFile is only content, which
means nothing until the registry attaches it to a document, and that registry action
checks permission and writes the audit event. A file stored by a transaction that then
rolls back stays in the storage without a row; the next upload of the same content
uses it.

The bytes go to Django's default storage (the file system under MEDIA_ROOT, or an S3
bucket through django-storages when KANSLI_S3_BUCKET is set) at a path derived from the
hash. An existing file there is never overwritten: equal names mean equal content. Two
uploads of the same content at the same moment both end with the one row, through the
unique hash, and with one object (an object store takes each write whole, and both are
the same bytes). A row is made only once the storage holds all the bytes; a storage
that does not answer raises StorageUnavailable (kansli.files.storage) before it is."""

from __future__ import annotations

import errno
import hashlib
import zipfile
from collections.abc import Sequence
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from kansli.files.detect import (
    ACCEPTED,
    PDF,
    PROGRAM_EXTENSIONS,
    PROGRAMS,
    ZIP_BASED,
    FileType,
    detect_type,
    types_named,
)
from kansli.files.extract import queue_extraction
from kansli.files.models import StoredFile, storage_name
from kansli.files.storage import reaching_storage

MEGABYTE = 1024 * 1024
MAX_RATIO = 100  # text and XML pack 5-20 times; a zip bomb thousands of times


def store_bytes(data: bytes, name: str) -> StoredFile:
    """Store content received as bytes (an e-mail's attachment, a generated file) under
    the file name it came with; see store_upload."""
    return _store(ContentFile(data, name=name), name)


def store_upload(uploaded: UploadedFile, *, active_content: str | None = None) -> StoredFile:
    """Store an uploaded file, or find the StoredFile that already holds its bytes.

    Raises ValidationError, and stores nothing, if the file is empty, larger than
    MAX_UPLOAD_MB, a program, of a type that is not registered, or named as one type
    while its content is another. A temporary upload may be moved into the storage, so
    read the upload before this, not after. `active_content`: for a PDF, what
    kansli.files.pdfactive.checked_many found in it already (a caller storing many
    PDFs at once checks them together), else it is checked here."""
    return _store(uploaded, uploaded.name or "", active_content)


def store_uploads(
    uploads: Sequence[UploadedFile],
    active_content: Sequence[str | None],
    labels: Sequence[str] | None = None,
) -> list[StoredFile]:
    """store_upload for several files at once (an archive package's), in their order:
    each is checked and hashed as store_upload does, and every one of them is checked
    before any is stored (a ValidationError names the first refused, by its label, else
    its name); those already stored are found in one query, the others written and
    their rows made in one statement (in hash order, so that two such calls take the
    rows' locks in one order), once the storage holds all their bytes. Extraction is
    queued for every new row, also one another upload made meanwhile (the task does
    nothing twice). `active_content`: for each file, as for store_upload."""
    checked = []
    for number, upload in enumerate(uploads):
        try:
            checked.append((upload, check_file(upload, upload.name or ""), _sha256(upload)))
        except ValidationError as error:
            label = labels[number] if labels else upload.name
            message = f"{label}: {' '.join(error.messages)}"
            raise ValidationError(message, code=getattr(error, "code", None)) from error
    found = StoredFile.objects.in_bulk({sha256 for *_, sha256 in checked}, field_name="sha256")
    new: dict[str, StoredFile] = {}
    for (upload, file_type, sha256), active in zip(checked, active_content, strict=True):
        if sha256 in found or sha256 in new:
            continue
        size = upload.size or 0  # check_file refused an empty one
        _put(upload, storage_name(sha256), size)
        new[sha256] = StoredFile(
            sha256=sha256, size=size, content_type=file_type.mime,
            active_content=_active(upload, file_type, active),
        )  # fmt: skip
    if new:
        # Rows another upload made meanwhile stay as they are (the content is the same).
        rows = [new[sha256] for sha256 in sorted(new)]
        StoredFile.objects.bulk_create(rows, ignore_conflicts=True)
        made = StoredFile.objects.in_bulk(list(new), field_name="sha256")
        queue_extraction(*made.values())
        found |= made
    return [found[sha256] for _upload, _type, sha256 in checked]


def keep_bytes(data: bytes, content_type: str) -> StoredFile:
    """Keep content that the checks refused, whole and unread (a quarantined e-mail, to
    be handled by hand): stored under its SHA-256 like any file, but neither checked nor
    queued for text extraction. Only for content that is never registered as it is."""
    sha256 = hashlib.sha256(data).hexdigest()
    found = StoredFile.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    _put(ContentFile(data), storage_name(sha256), len(data))
    stored, _created = StoredFile.objects.get_or_create(
        sha256=sha256,
        defaults={
            "size": len(data),
            "content_type": content_type,
            "extraction": StoredFile.Extraction.UNSUPPORTED,
        },
    )
    return stored


def _store(file: File, name: str, active_content: str | None = None) -> StoredFile:
    file_type = check_file(file, name)
    sha256 = _sha256(file)
    found = StoredFile.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    _put(file, storage_name(sha256), file.size)
    active = _active(file, file_type, active_content)
    stored, created = StoredFile.objects.get_or_create(
        sha256=sha256,
        defaults={"size": file.size, "content_type": file_type.mime, "active_content": active},
    )
    if created:
        queue_extraction(stored)
    return stored


def _sha256(file: File) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _active(file: File, file_type: FileType, active_content: str | None) -> str:
    """A PDF's active content (kansli.files.pdfactive), unless the caller found it."""
    if file_type != PDF:
        return ""
    if active_content is not None:
        return active_content
    # pypdf is loaded by the first process that stores a PDF, not by every process at
    # start (see kansli.files.readers).
    from kansli.files.pdfactive import checked

    return checked(_bytes(file))


def _bytes(file: File) -> bytes:
    file.seek(0)
    data = file.read()
    file.seek(0)
    return bytes(data)


def check_file(file: File, name: str) -> FileType:
    """Size, type and (for a packed format) unpacked size: everything that refuses a
    file before anything reads its content. Returns its type."""
    check_size(file.size or 0)
    file_type = check_type(detect_type(file), name)
    if file_type in ZIP_BASED:
        check_unpacked(file)
    return file_type


def check_size(size: int) -> None:
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = settings.MAX_UPLOAD_MB
    if size > limit * MEGABYTE:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": limit}, code="too_large"
        )


def check_unpacked(file: IO[bytes]) -> None:
    """A ZIP archive, Word, Excel, PowerPoint or OpenDocument file is refused when what
    it unpacks to is over MAX_UNPACKED_MB in all, or a part of over a megabyte unpacks
    to more than MAX_RATIO times its packed size: a zip bomb (a 1 MB Word file that
    unpacks to gigabytes of text would take the reader's memory and the server with it).
    Python's ZIP reader stops each part at its declared size, so the declared sizes
    bound what any later reading of the file unpacks."""
    limit = settings.MAX_UNPACKED_MB * MEGABYTE
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return  # not readable as an archive: detect_type has judged what it is
    finally:
        file.seek(0)
    swollen = any(
        part.file_size > MEGABYTE and part.file_size > MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if sum(part.file_size for part in parts) > limit or swollen:
        raise ValidationError(
            _("The file unpacks to far more than its size (over %(limit)s MB or %(ratio)s "
              "times): it is refused as a zip-bomb.") % {"limit": settings.MAX_UNPACKED_MB,
                                                          "ratio": MAX_RATIO},
            code="bomb",
        )  # fmt: skip


def check_type(file_type: FileType | None, name: str) -> FileType:
    """The content's type, if it is registered and its name does not belie it."""
    extension = PurePath(name).suffix.lower()
    if extension in PROGRAM_EXTENSIONS:
        raise ValidationError(
            _("The file is named %(extension)s, which is a program; programs are not accepted.")
            % {"extension": extension},
            code="program",
        )
    named = types_named(extension)
    if named and file_type not in named:
        kind = file_type.label if file_type else _("of an unknown type")
        raise ValidationError(
            _("The file is named %(extension)s but its content is %(kind)s.")
            % {"extension": extension, "kind": kind},
            code="disguised",
        )
    if file_type is None:
        raise ValidationError(
            _("The file's type is not recognised. Accepted are: %(accepted)s.")
            % {"accepted": accepted()},
            code="unknown_type",
        )
    if file_type in PROGRAMS:
        raise ValidationError(
            _("The file is %(kind)s; programs are not accepted.") % {"kind": file_type.label},
            code="program",
        )
    if file_type not in ACCEPTED:
        raise ValidationError(
            _("The file is %(kind)s, which is not accepted. Accepted are: %(accepted)s.")
            % {"kind": file_type.label, "accepted": accepted()},
            code="type",
        )
    return file_type


def accepted() -> str:
    """The accepted name endings, for messages: "CSV, DOC, DOCX, …"."""
    endings = {ending for file_type in ACCEPTED for ending in file_type.extensions}
    return ", ".join(sorted(ending[1:].upper() for ending in endings))


def _put(file: File, name: str, size: int) -> None:
    """Write the bytes at `name` unless they are there already, and see that all of them
    arrived before anything records them. Raises StorageUnavailable (kansli.files.storage)
    if the storage does not answer, OSError if it cannot take the bytes or holds fewer
    than were sent (the next upload of the content writes them again)."""
    with reaching_storage():
        if default_storage.exists(name):
            if default_storage.size(name) == size:
                return
            # Shorter than the content it is named after: a write cut off by a crash. An
            # object store replaces an object whole (file_overwrite); a file system
            # would save beside it under another name.
            if not getattr(default_storage, "file_overwrite", False):
                default_storage.delete(name)
        file.seek(0)
        try:
            saved = default_storage.save(name, file)
        except OSError:
            # A full disk or a lost storage: leave no partial file behind.
            if default_storage.exists(name) and default_storage.size(name) != size:
                default_storage.delete(name)
            raise
        if saved != name:
            # Another upload of the same content is writing `name` (a file system; an
            # object store overwrites, whole, with the same bytes): the storage gave this
            # copy another name, and it is not needed. That upload checks its own write.
            default_storage.delete(saved)
            return
        stored_size = default_storage.size(name)
    if stored_size != size:
        raise OSError(
            errno.EIO, f"{name}: {stored_size} bytes in the storage, {size} sent; not recorded"
        )
