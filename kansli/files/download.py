"""Sending a stored file to a browser: its own bytes and type, under the name it was
registered with. Who may have it is for the caller to decide, through the read gate."""

from __future__ import annotations

import io
import logging
from typing import IO

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase

from kansli.files.models import StoredFile
from kansli.files.sandbox import OutOfTime, OverLimit, ReadFailed, within_limits

logger = logging.getLogger(__name__)
NOT_CLEANED_IN_TIME = (
    "Filen hann inte göras i ordning inom sidans tidsgräns. Försök igen om en stund."
)


def handed_on(stored: StoredFile) -> bytes:
    """The bytes of a copy that leaves Kansli (the meeting pack, a published file, a
    document in the member portal, a decision sent out): a PDF without its active
    content; the stored file unchanged. The copy is made in a child process within the
    limits of text reading (kansli.files.sandbox): the file came from outside, and a
    public download must not let it hold a web process for as long as its check took.
    ValidationError if a web request's time runs out first (nothing is recorded)."""
    with stored.open() as handle:
        data = bytes(handle.read())
    from kansli.files.pdfactive import UNREADABLE, cleaned

    if not stored.active_content or stored.unreadable_pdf:
        # Unreadable: its check or cleaning, in the sandbox, failed or ran over the
        # limits; pypdf is not run on it again (it goes on only as it is).
        return data
    # pypdf in this process, once, before the fork: a child importing it (0.1 s, 15 MB)
    # for every PDF of a meeting pack would also risk the file being marked unreadable
    # for a failure that was not the file's.
    import pypdf  # noqa: F401

    try:
        return bytes(within_limits(data, lambda file: cleaned(file.read())))
    except OutOfTime as error:  # the request's time, not the file: tried again next time
        raise ValidationError(NOT_CLEANED_IN_TIME, code="out_of_time") from error
    except (OverLimit, ReadFailed):
        # From now on it is unreadable too, everywhere (the meeting pack refuses it) and
        # at no further cost; what was found in it is kept (the case page still warns).
        logger.warning("PDF %s not cleaned within the limits", stored.sha256)
        kinds = set(stored.active_content.split(",")) | {UNREADABLE}
        stored.active_content = ",".join(sorted(kinds))
        StoredFile.objects.filter(pk=stored.pk).update(active_content=stored.active_content)
        return data


def file_response(
    stored: StoredFile, name: str, *, inline: bool = False, copy: bool = False
) -> HttpResponseBase:
    """The file as a download (or shown in the browser when `inline`); with `copy`, the
    copy handed on (handed_on) rather than the registered original. The type is the
    one detected from the content when it was stored, never guessed from the name, and
    nosniff keeps the browser from guessing either; FileResponse writes the name in
    Content-Disposition for any language (RFC 6266 and RFC 5987 filename*). A copy not
    made within the request's time is 503, to be asked for again. A file that still
    holds active content (the original, or a copy that could not be cleaned) is never
    shown in the browser: its viewer would run the script; it is downloaded, under the
    sandbox policy, for a reader the user chooses (the case page warns of it)."""
    if copy and stored.active_content:
        try:
            data = handed_on(stored)
        except ValidationError as error:
            return HttpResponse(" ".join(error.messages), status=503, headers={"Retry-After": "60"},
                                content_type="text/plain; charset=utf-8")  # fmt: skip
        body: IO[bytes] = io.BytesIO(data)
        size = len(data)
        inline = inline and not stored.unreadable_pdf  # else it went on as it is
    else:
        body, size = stored.open(), stored.size
        inline = inline and not stored.active_content
    response = FileResponse(
        body, as_attachment=not inline, filename=name, content_type=stored.content_type
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        # A registered file is what someone sent in: should a browser show it anyway, it
        # runs nothing and loads nothing (a PDF's or an HTML file's script included).
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
