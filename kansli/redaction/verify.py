"""The check after every redaction: the text of the result is extracted by two
extractors that did not write it, pypdf and poppler's pdftotext, and each marked string
is looked for (case, dashes and spacing ignored). Only counts and keyed digests leave
here, never the strings: the record of the check must not itself disclose them."""

from __future__ import annotations

import hashlib
import hmac
import io
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader

from kansli.redaction.normal import squeezed

PDFTOTEXT_SECONDS = 120
# Shorter strings ("5", "av") are found in any text; they are counted, not looked for.
SHORTEST = 3


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdftotext_text(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"],
        input=pdf, capture_output=True, timeout=PDFTOTEXT_SECONDS, check=True,
    )  # fmt: skip
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
        texts = {name: pool.submit(extract, result) for name, extract in EXTRACTORS.items()}
        found = {}
        for name, text in texts.items():
            read = squeezed(text.result())
            found[name] = sorted(_digest(key, s) for s in wanted if s in read)
    return Check(checked=len(wanted), too_short=len(short), found=found)


def _digest(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
