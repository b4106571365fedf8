"""What a file is, read from its bytes: never from its name.

`filetype` recognises the plain signatures (PDF, PNG, JPEG, TIFF, RTF, Windows and Linux
programs). On top of it: ZIP containers are told apart by what they hold (OOXML by the
main part in [Content_Types].xml, OpenDocument by its mimetype member), OLE2 compound
files by their streams (Outlook .msg, Word .doc, Excel .xls), macOS programs by their
magic number, e-mail by its RFC 5322 header block, and text by decoding it."""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
import olefile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEAD_SIZE = 64 * 1024
CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    """A kind of file: its MIME type, how the messages name it and the name endings a
    file of the kind may have."""

    mime: str
    label: str | Promise
    extensions: tuple[str, ...] = ()


PDF = FileType("application/pdf", _("a PDF document"), (".pdf",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _("a Word document (DOCX)"),
    (".docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _("an Excel workbook (XLSX)"),
    (".xlsx",),
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    _("a PowerPoint presentation (PPTX)"),
    (".pptx",),
)
DOC = FileType("application/msword", _("a Word document (DOC)"), (".doc",))
XLS = FileType("application/vnd.ms-excel", _("an Excel workbook (XLS)"), (".xls",))
ODT = FileType("application/vnd.oasis.opendocument.text", _("a text document (ODT)"), (".odt",))
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet", _("a spreadsheet (ODS)"), (".ods",)
)
ODP = FileType(
    "application/vnd.oasis.opendocument.presentation", _("a presentation (ODP)"), (".odp",)
)
RTF = FileType("application/rtf", _("an RTF document"), (".rtf",))
TEXT = FileType("text/plain", _("plain text"), (".txt", ".csv"))
# An e-mail saved under .txt is still an e-mail, and still text.
EML = FileType("message/rfc822", _("an e-mail (EML)"), (".eml", ".txt"))
MSG = FileType("application/vnd.ms-outlook", _("an Outlook e-mail (MSG)"), (".msg",))
PNG = FileType("image/png", _("a PNG image"), (".png",))
JPEG = FileType("image/jpeg", _("a JPEG image"), (".jpg", ".jpeg"))
TIFF = FileType("image/tiff", _("a TIFF image"), (".tif", ".tiff"))

# What a municipality registers.
ACCEPTED = (PDF, DOCX, XLSX, PPTX, DOC, XLS, ODT, ODS, ODP, RTF, TEXT, EML, MSG, PNG, JPEG, TIFF)

ZIP = FileType("application/zip", _("a ZIP archive"), (".zip",))
# Files that are ZIP archives inside (checked for zip bombs, kansli.files.store).
ZIP_BASED = (ZIP, DOCX, XLSX, PPTX, ODT, ODS, ODP)
EXE = FileType("application/x-msdownload", _("a Windows program (EXE)"))
ELF = FileType("application/x-executable", _("a Linux program (ELF)"))
MACHO = FileType("application/x-mach-binary", _("a macOS program (Mach-O)"))
PROGRAMS = (EXE, ELF, MACHO)

KNOWN = (*ACCEPTED, ZIP, *PROGRAMS)
BY_MIME = {file_type.mime: file_type for file_type in KNOWN}

# Names that run when opened, whatever they hold: a text file called .bat is a program.
PROGRAM_EXTENSIONS = frozenset(
    {".exe", ".dll", ".scr", ".com", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js"}
    | {".jse", ".wsf", ".wsh", ".hta", ".lnk", ".jar", ".sh", ".app", ".pif", ".cpl"}
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MACHO_MAGICS = frozenset(
    {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}
    | {b"\xca\xfe\xba\xbe"}  # universal binary
)
OOXML_MAIN_PARTS = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
    b"presentationml.presentation.main+xml": PPTX,
}
# Characters that plain text does not hold (tab, line feed, form feed and return do).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
HEADER_FIELD = re.compile(rb"[!-9;-~]+:")


def detect_type(file: IO[bytes]) -> FileType | None:
    """The kind of the file's content, or None if it is none this module knows. The file
    must be seekable; it is read from the start and left at the start."""
    file.seek(0)
    head = file.read(HEAD_SIZE)
    file.seek(0)
    try:
        return _detect(file, head)
    finally:
        file.seek(0)


def _detect(file: IO[bytes], head: bytes) -> FileType | None:
    if head.startswith(OLE2_MAGIC):
        return _ole_type(file)
    if head.startswith(ZIP_MAGIC):
        return _zip_type(file)
    if head[:4] in MACHO_MAGICS:
        return MACHO
    guess = filetype.guess(head)
    if guess is not None and guess.mime in BY_MIME:
        return BY_MIME[guess.mime]
    # filetype's weaker signatures (a BMP is "BM") also match text: text goes first.
    if looks_like_mail(head):
        return EML
    if text_encoding(file) is not None:
        return TEXT
    if guess is not None:
        return FileType(guess.mime, _("a file of type %(mime)s") % {"mime": guess.mime})
    return None


def _zip_type(file: IO[bytes]) -> FileType:
    """An office document by what the archive holds, else a plain ZIP archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mime = member.read(200).decode("ascii", "replace").strip()
                if mime in BY_MIME:
                    return BY_MIME[mime]
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    content_types = member.read(HEAD_SIZE)
                for part, file_type in OOXML_MAIN_PARTS.items():
                    if part in content_types:
                        return file_type
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        pass
    return ZIP


def _ole_type(file: IO[bytes]) -> FileType | None:
    """Outlook e-mail, Word or Excel by the streams of the compound file."""
    try:
        with olefile.OleFileIO(file) as ole:
            if ole.exists("__properties_version1.0"):
                return MSG
            if ole.exists("WordDocument"):
                return DOC
            if ole.exists("Workbook") or ole.exists("Book"):
                return XLS
    except (OSError, ValueError, IndexError):
        pass
    return None


def looks_like_mail(head: bytes) -> bool:
    """Whether the bytes open with an e-mail's header block: header fields (or their
    folded continuations) up to the first empty line, among them From and one of Date,
    Subject, To or Message-ID. An mbox "From " line before them is allowed."""
    blank_line = re.search(rb"\r?\n\r?\n", head)
    lines = (head[: blank_line.start()] if blank_line else head).splitlines()
    if blank_line is None and not head.endswith(b"\n"):
        lines = lines[:-1]  # the head ended inside a line
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    names = set()
    for number, line in enumerate(lines):
        if line[:1] in (b" ", b"\t") and number > 0:
            continue
        field = HEADER_FIELD.match(line)
        if field is None:
            return False
        names.add(field.group()[:-1].lower())
    return b"from" in names and bool(names & {b"date", b"subject", b"to", b"message-id"})


def text_encoding(file: IO[bytes]) -> str | None:
    """The encoding in which the whole file decodes to text without control characters:
    the one its byte order mark names, else UTF-8, else Windows-1252 (which covers
    Latin-1's letters); None if it is not text. Reads the file in chunks."""
    file.seek(0)
    start = file.read(4)
    if start.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252")
    try:
        for encoding in candidates:
            if _decodes_as_text(file, encoding):
                return encoding
        return None
    finally:
        file.seek(0)


def _decodes_as_text(file: IO[bytes], encoding: str) -> bool:
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := file.read(CHUNK_SIZE):
            if CONTROL_CHARACTERS.search(decoder.decode(chunk)):
                return False
        return not CONTROL_CHARACTERS.search(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def types_named(extension: str) -> list[FileType]:
    """The kinds whose files may end in this extension (".pdf"); none if it is unknown."""
    return [file_type for file_type in KNOWN if extension in file_type.extensions]
