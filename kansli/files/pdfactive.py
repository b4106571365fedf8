"""Active content in PDFs: what a PDF can run or carry besides its pages.

JavaScript (document-level, on opening, on a page, a link or a form field), actions that
start a program or send data away (Launch, SubmitForm, ImportData), embedded files and
file attachments, and Flash/3D media (RichMedia). A PDF that came in is registered as it
came (it is the public document), so `findings` only tells the registrar what it holds;
every copy Kansli hands on (the meeting pack, a published file, a decision sent out) is
`cleaned` first. The walk is bounded (MAX_OBJECTS), so a PDF built to loop cannot hang it.

pypdf (15 MB in a process that has not loaded it otherwise) is imported where a PDF is
read: a single file's `checked` loads it before the sandbox forks, as the process that
stores one PDF will store more; `checked_many`'s child imports it (about 0.1 s a batch),
so that the archive import, which checks PDFs only in batches, never holds it. (A
batch's child forked while another thread of the parent is itself importing pypdf for
the first time would wait on that import's lock until the time limit, then the batch is
read file by file, as after any failure: slower, never unchecked.)"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kansli.files.sandbox import (
    OutOfTime,
    OverLimit,
    ReadFailed,
    text_within_limits,
    within_limits,
)

if TYPE_CHECKING:
    from pypdf.generic import DictionaryObject, PdfObject

logger = logging.getLogger(__name__)

MAX_OBJECTS = 200_000
NOT_IN_TIME = (
    "Filen hann inte kontrolleras inom sidans tidsgräns. Försök igen, gärna med färre "
    "filer åt gången."
)

JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED = "embedded"
MEDIA = "media"
UNREADABLE = "unreadable"
KINDS = {
    JAVASCRIPT: _("JavaScript"),
    LAUNCH: _("an action that starts a program or sends data"),
    EMBEDDED: _("embedded files"),
    MEDIA: _("Flash or 3D media"),
    UNREADABLE: _("parts that could not be checked"),
}
RUNNING_ACTIONS = {"/JavaScript": JAVASCRIPT, "/Launch": LAUNCH, "/SubmitForm": LAUNCH,
                   "/ImportData": LAUNCH, "/GoToE": EMBEDDED,
                   "/RichMediaExecute": MEDIA}  # fmt: skip
DROPPED_KEYS = {"/JS": JAVASCRIPT, "/JavaScript": JAVASCRIPT, "/EmbeddedFiles": EMBEDDED,
                "/RichMediaContent": MEDIA, "/EF": EMBEDDED}  # fmt: skip
DROPPED_ANNOTATIONS = {"/FileAttachment": EMBEDDED, "/RichMedia": MEDIA, "/Screen": MEDIA,
                       "/Movie": MEDIA, "/Sound": MEDIA}  # fmt: skip


def findings(data: bytes) -> list[str]:
    """The kinds of active content in the PDF (sorted), [] for none, [UNREADABLE] for a
    file pypdf cannot open (it is then handed on only as it is, never merged)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        found = {kind for kind, _holder, _key in _walk(reader.trailer)}
    except Exception:  # a damaged file can fail anywhere in the reader
        logger.info("PDF not checked for active content", exc_info=True)
        return [UNREADABLE]
    return sorted(found)


def describe(kinds: list[str]) -> str:
    return ", ".join(str(KINDS[kind]) for kind in kinds if kind in KINDS)


def checked(data: bytes) -> str:
    """findings as StoredFile.active_content keeps them (comma-separated), read in a
    child process within kansli.files.sandbox's limits: a PDF built to hang or swell
    pypdf is noted as unchecked and takes nothing from the process storing it.
    ValidationError if a web request's time ran out first (the file is not stored)."""
    import pypdf  # noqa: F401 - loaded here once, not in every child

    try:
        return text_within_limits(data, lambda file: ",".join(findings(file.read())))
    except OutOfTime as error:  # the request's time, not the file: nothing is recorded
        raise ValidationError(NOT_IN_TIME, code="out_of_time") from error
    except (OverLimit, ReadFailed):
        return UNREADABLE


def checked_many(pdfs: list[bytes]) -> list[str]:
    """`checked` for each PDF, read in one child process (a fork per file costs more
    than reading a small PDF); if the batch goes over the limits, each is read alone,
    so that one hostile file is noted as unchecked without taking the others along."""
    if len(pdfs) < 2:
        return [checked(data) for data in pdfs]
    try:
        found = within_limits(b"", lambda _file: [",".join(findings(data)) for data in pdfs])
    except OutOfTime as error:
        raise ValidationError(NOT_IN_TIME, code="out_of_time") from error
    except (OverLimit, ReadFailed):
        return [checked(data) for data in pdfs]
    return [str(kinds) for kinds in found]


def cleaned(data: bytes) -> bytes:
    """A copy of the PDF without its active content: the pages look the same, but
    nothing runs and nothing is attached. The PDF unchanged if it holds none, or if
    pypdf cannot read it (then no reader can merge it either, and a download is served
    sandboxed: kansli.files.download)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    try:
        writer = PdfWriter(clone_from=io.BytesIO(data))
        found = list(_walk(writer._root_object))
    except MemoryError:  # over the sandbox's limit: not "nothing to clean"
        raise
    except Exception:  # a damaged file can fail anywhere in the reader
        return data
    if not found:
        return data
    for _kind, holder, key in found:
        annotations = holder[key].get_object() if key == "/Annots" else None
        if isinstance(annotations, ArrayObject):
            kept = [
                annotation
                for annotation in annotations
                if annotation.get_object().get("/Subtype") not in DROPPED_ANNOTATIONS
            ]
            holder[NameObject(key)] = ArrayObject(kept)
        elif key in holder:
            del holder[key]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _walk(root: PdfObject) -> Iterator[tuple[str, DictionaryObject, str]]:
    """(kind, the dictionary, the key to drop) for every piece of active content under
    root; for annotations to drop, (kind, the page, "/Annots")."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack: list[PdfObject] = [root]
    visited = 0
    while stack:
        node: PdfObject | None = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(node, DictionaryObject):
            yield from _in_dictionary(node)
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _in_dictionary(node: DictionaryObject) -> Iterator[tuple[str, DictionaryObject, str]]:
    from pypdf.generic import ArrayObject

    for key, dropped in DROPPED_KEYS.items():
        if key in node:
            yield dropped, node, key
    action = node.get("/S")
    if action in RUNNING_ACTIONS and node.get("/Type", "/Action") == "/Action":
        # The action itself stays (a link's /A must be a dictionary); what it runs goes.
        yield RUNNING_ACTIONS[str(action)], node, "/S"
    for key in ("/AA", "/OpenAction"):
        value = node.get(key)
        kind = _runs(value) if value is not None else None
        if kind is not None:
            yield kind, node, key
    annotations = node.get("/Annots")
    array = annotations.get_object() if annotations is not None else None
    if isinstance(array, ArrayObject):
        for annotation in array:
            subtype = annotation.get_object().get("/Subtype")
            if subtype in DROPPED_ANNOTATIONS:
                yield DROPPED_ANNOTATIONS[str(subtype)], node, "/Annots"


def _runs(value: PdfObject) -> str | None:
    """What an /OpenAction or /AA entry runs (its kind), None for a plain 'open at
    page' (an /AA holds an action per event)."""
    from pypdf.generic import DictionaryObject

    target = value.get_object()
    if not isinstance(target, DictionaryObject):
        return None
    actions = [target, *(entry.get_object() for entry in target.values())]
    kinds = [
        RUNNING_ACTIONS[str(action["/S"])]
        for action in actions
        if isinstance(action, DictionaryObject) and action.get("/S") in RUNNING_ACTIONS
    ]
    return kinds[0] if kinds else None
