"""The check after every redaction: the text of the result is extracted by two
extractors that did not write it, pypdf and poppler's pdftotext, and each marked string
is looked for (case, dashes and spacing ignored). Only counts and keyed digests leave
here, never the strings: the record of the check must not itself disclose them. Both
read the copy in processes of their own within the limits of text extraction: the copy
still holds whatever the original drew outside the areas, which may be made to make a
reader run for hours."""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import math
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

from kansli.files.sandbox import MEGABYTE, OverLimit, ReadFailed, time_left, within_limits
from kansli.redaction.normal import squeezed

# Shorter strings ("5", "av") are found in any text; they are counted, not looked for.
SHORTEST = 3


def pypdf_text(pdf: bytes) -> str:
    """The text as pypdf reads it, in a child process within the limits of text
    extraction (kansli.files.sandbox: OverLimit, ReadFailed); not cut at MAX_TEXT_CHARS
    as the search index's text is."""
    return str(within_limits(pdf, _pypdf_text))  # all of it: the check must see every page


def _pypdf_text(file: IO[bytes]) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(file).pages)


def pdftotext_text(pdf: bytes) -> str:
    """The text as poppler's pdftotext reads it, within the same limits; ReadFailed or
    OverLimit as for pypdf."""
    memory, seconds = settings.EXTRACT_MEMORY_MB * MEGABYTE, time_left()
    try:
        done = subprocess.run(
            ["prlimit", f"--as={memory}", f"--cpu={math.ceil(seconds) + 1}", "--",
             "pdftotext", "-q", "-enc", "UTF-8", "-", "-"],
            input=pdf, capture_output=True, timeout=seconds, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired as error:
        raise OverLimit(f"pdftotext blev inte klart på {math.ceil(seconds)} s") from error
    except subprocess.CalledProcessError as error:
        raise ReadFailed(f"pdftotext kunde inte läsa kopian (status {error.returncode})") from error
    return done.stdout.decode("utf-8", "replace")


EXTRACTORS: dict[str, Callable[[bytes], str]] = {"pypdf": pypdf_text, "pdftotext": pdftotext_text}


@dataclass(frozen=True)
class Check:
    checked: int  # strings looked for
    too_short: int  # strings too short to look for
    found: dict[str, list[str]]  # per extractor, the digests of the strings it found

    @property
    def verified(self) -> bool:
        return not any(self.found.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "too_short": self.too_short,
            "extractors": {name: {"found": len(found), "digests": found}
                           for name, found in self.found.items()},
        }  # fmt: skip


def verify(result: bytes, strings: Iterable[str], *, key: bytes) -> Check:
    """Look for each string in the result's text as each extractor reads it. The digests
    are HMAC-SHA-256 under `key`, so that a short secret (a personal identity number)
    cannot be found again by trying every value."""
    wanted = {squeezed(s) for s in strings}
    wanted.discard("")
    short = {s for s in wanted if len(s) < SHORTEST}
    wanted -= short
    with ThreadPoolExecutor(max_workers=len(EXTRACTORS)) as pool:  # pdftotext runs beside
        # Each in a copy of this context: a web request's deadline holds there too.
        texts = {name: pool.submit(contextvars.copy_context().run, extract, result)
                 for name, extract in EXTRACTORS.items()}  # fmt: skip
        found = {}
        for name, text in texts.items():
            read = squeezed(text.result())
            found[name] = sorted(_digest(key, s) for s in wanted if s in read)
    return Check(checked=len(wanted), too_short=len(short), found=found)


def _digest(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
