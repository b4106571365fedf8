"""Issue 14's redaction benchmark: a 100-page PDF with 20 marked strings spread over it
(ten names and ten personal identity numbers, one on every fifth page), redacted and
checked by pypdf and pdftotext; target under 5 s. The baselines are a plain PyMuPDF
open and save of the same file and pdftotext alone. Finding the strings (the reviewer's
search) is timed on its own line.

    .venv/bin/python bench/redaction.py [--pages 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import pymupdf
from common import row

TARGET_SECONDS = 5.0
SURNAMES = ("Lindqvist", "Bergström", "Åkesson", "Nyberg", "Hedlund", "Sjöberg", "Falk",
            "Wikström", "Ekman", "Holmgren")  # fmt: skip
FILLER = ("Nämnden har tagit del av utredningen och beslutar i enlighet med förvaltningens "
          "förslag att bevilja ansökan för perioden.")  # fmt: skip


def personal_number(n: int) -> str:
    """A Luhn-valid personal identity number born on day n + 1 of January 1980."""
    from kansli.registry.personal_numbers import luhn_ok

    digits = f"8001{n + 1:02d}"
    last = next(f"{s:03d}{c}" for s in range(100, 1000) for c in range(10)
                if luhn_ok(f"{digits}{s:03d}{c}"))  # fmt: skip
    return f"19{digits}-{last}"


def document(pages: int) -> tuple[bytes, list[str]]:
    pdf = pymupdf.open()
    marked = []
    for number in range(pages):
        page = pdf.new_page()
        for line in range(40):
            text = FILLER
            if number % 5 == 0 and line == 20:
                n = number // 10
                secret = f"Karin {SURNAMES[n % 10]}" if number % 10 else personal_number(n)
                marked.append(secret)
                text = f"Uppgiften gäller {secret} enligt ansökan."
            page.insert_text((56, 60 + line * 18), text, fontsize=10)
    return pdf.tobytes(garbage=3, deflate=True), marked


def timed(run: Callable[[], object], runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")

    from kansli.redaction.areas import Area, words_under
    from kansli.redaction.find import find_text
    from kansli.redaction.redact import redact
    from kansli.redaction.verify import pdftotext_text, verify

    pdf, marked = document(args.pages)
    found = find_text(pdf, marked)
    areas = [Area(a.page, a.rect, "OSL 21 kap. 3 §") for a in found]

    def redact_and_verify() -> bool:
        result = redact(pdf, areas)
        return verify(result, [*words_under(pdf, areas), *marked], key=b"bench").verified

    def open_and_save() -> bytes:
        with pymupdf.open(stream=pdf, filetype="pdf") as opened:
            return opened.tobytes(garbage=4, deflate=True)

    verified = redact_and_verify()
    seconds = timed(redact_and_verify, args.runs)
    print(f"Redaction of {len(marked)} marked strings in a {args.pages}-page PDF "
          f"({len(pdf) / 1024:.0f} kB), median of {args.runs} runs")  # fmt: skip
    row("areas found by searching the strings", str(len(areas)))
    row("search: seconds", f"{timed(lambda: find_text(pdf, marked), args.runs):.3f}")
    row("redact + verify: seconds", f"{seconds:.3f}")
    row("verified (no marked string survives)", "yes" if verified else "NO")
    row("baseline: PyMuPDF open + save, seconds", f"{timed(open_and_save, args.runs):.3f}")
    alone = timed(lambda: pdftotext_text(pdf), args.runs)
    row("baseline: pdftotext alone, seconds", f"{alone:.3f}")
    row("load average (1 min) of the machine", f"{os.getloadavg()[0]:.1f}")
    ok = verified and len(areas) == len(marked) and seconds < TARGET_SECONDS
    row(f"target: all {len(marked)} removed and verified, < {TARGET_SECONDS:g} s",
        "met" if ok else "MISSED")  # fmt: skip


if __name__ == "__main__":
    main()
