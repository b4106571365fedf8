"""Making a PDF of what is to be redacted: a PDF as it is; an image through PyMuPDF (a
page the size of the image); an e-mail as its headers, its text and the list of its
attachments; DOCX, DOC, ODT and RTF by LibreOffice headless, started for each conversion
with a profile of its own in a temporary directory.

A file to redact may have come from anyone (an e-mail, an e-service). Each conversion
has the limits text extraction has (KANSLI_EXTRACT_MEMORY_MB, KANSLI_EXTRACT_SECONDS):
MuPDF works in a forked child (kansli.files.sandbox), LibreOffice runs under prlimit's
address-space limit in a process group of its own, which is killed when time is up (the
soffice script starts soffice.bin as a child that would outlive it)."""

from __future__ import annotations

import contextlib
import html
import io
import os
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from kansli.files.mail import parse_mail
from kansli.files.sandbox import MEGABYTE, OverLimit, ReadFailed, within_limits

IMAGES = {"image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/webp"}
MAILS = {"message/rfc822", "application/vnd.ms-outlook"}
OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "text/plain": ".txt",
}


class NotConvertible(ValueError):
    """The content cannot be made into a PDF to redact."""


def convertible(content_type: str) -> bool:
    return content_type == "application/pdf" or content_type in IMAGES | MAILS | set(OFFICE)


def to_pdf(data: bytes, content_type: str) -> bytes:
    if content_type == "application/pdf":
        return data
    if content_type in IMAGES:
        return _limited(data, _image_pdf, "bilden kunde inte läsas (skadad eller för stor)")
    if content_type in MAILS:
        return _limited(data, _mail_pdf, "e-postmeddelandet kunde inte läsas")
    if content_type in OFFICE:
        return _office_pdf(data, OFFICE[content_type])
    raise NotConvertible(f"filer av typen {content_type} kan inte maskeras")


# PDF/A-2b (ISO 19005-2), the archival rendition (kansli.archive; RA-FS 2009:2).
PDFA = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def office_to_pdfa(data: bytes, content_type: str) -> bytes:
    """A text document (Word, ODF, RTF, plain text) as PDF/A-2b, for the e-archive."""
    if content_type not in OFFICE:
        raise NotConvertible(f"filer av typen {content_type} görs inte om till PDF/A")
    return _office_pdf(data, OFFICE[content_type], PDFA)


def _limited(data: bytes, convert: Callable[[bytes], bytes], message: str) -> bytes:
    import pymupdf  # noqa: F401 - in this process once, before the fork, not in each child

    try:
        return bytes(within_limits(data, lambda file: convert(file.read())))
    except (OverLimit, ReadFailed) as error:  # any failure on the file is the file's
        raise NotConvertible(f"{message}: {error}") from error


def _image_pdf(data: bytes) -> bytes:
    import pymupdf

    with pymupdf.open(stream=data) as image:
        return image.convert_to_pdf()


def _office_pdf(data: bytes, suffix: str, target: str = "pdf") -> bytes:
    with tempfile.TemporaryDirectory(prefix="kansli-soffice-") as folder:
        source = Path(folder) / f"handling{suffix}"
        source.write_bytes(data)
        profile = Path(folder, "profile").as_uri()
        memory = settings.EXTRACT_MEMORY_MB * MEGABYTE
        try:
            soffice = subprocess.Popen(
                ["prlimit", f"--as={memory}", "--", "soffice", f"-env:UserInstallation={profile}",
                 "--headless", "--norestore", "--convert-to", target, "--outdir", folder,
                 str(source)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        except OSError as error:
            raise NotConvertible("LibreOffice kunde inte startas") from error
        try:
            soffice.wait(timeout=settings.EXTRACT_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise NotConvertible(
                f"LibreOffice blev inte klart på {settings.EXTRACT_SECONDS} s"
            ) from error
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(soffice.pid, signal.SIGKILL)
            soffice.wait()
        result = source.with_suffix(".pdf")
        if soffice.returncode != 0 or not result.exists():
            raise NotConvertible("LibreOffice kunde inte göra om filen till PDF")
        return result.read_bytes()


def _mail_pdf(data: bytes) -> bytes:
    import pymupdf

    a4 = pymupdf.paper_rect("a4")
    text_area = pymupdf.Rect(56, 56, a4.width - 56, a4.height - 56)  # 2 cm margins

    mail = parse_mail(data)
    rows = [("Från", mail.sender), ("Till", ", ".join(mail.recipients)),
            ("Datum", mail.date.strftime("%Y-%m-%d %H:%M") if mail.date else ""),
            ("Ämne", mail.subject)]  # fmt: skip
    parts = [f"<p><b>{label}:</b> {html.escape(value)}</p>" for label, value in rows]
    parts.append("<hr>")
    parts += [f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in mail.body.splitlines()]
    if mail.attachments:
        parts.append("<hr><p><b>Bilagor:</b></p><ul>")
        parts += [f"<li>{html.escape(a.filename)}</li>" for a in mail.attachments]
        parts.append("</ul>")
    story = pymupdf.Story("".join(parts), user_css="p { margin: 0 0 4pt 0; font-size: 10pt; }")
    out = io.BytesIO()
    writer = pymupdf.DocumentWriter(out)
    more = True
    while more:
        device = writer.begin_page(a4)
        more, _filled = story.place(text_area)
        story.draw(device)
        writer.end_page()
    writer.close()
    return out.getvalue()
