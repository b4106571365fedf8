"""How fast the meeting pack (sammanträdeshandlingar) is put together: `merge()` of a
notice and 40 items' reports and attachments into one PDF with bookmarks and a page
number on every page, beside pypdf's plain concatenation of the same PDFs (the limit).

    .venv/bin/python bench/pack.py [--items 40] [--runs 3]

No database and no Django: the input PDFs are rendered with WeasyPrint first (timed
apart), then each way is run --runs times and the median is printed.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable
from html import escape

from common import row
from pypdf import PdfReader, PdfWriter

from kansli.meetings.pack import Part, merge

TARGET_SECONDS = 10.0  # for 400 pages

SUBJECTS = ["Detaljplan för Vargödalen", "Ny förskola i Kvarnbyn", "Taxa för bygglov 2027",
            "Budget 2027 med plan för 2028–2029", "Renovering av Storåsens simhall",
            "Motion om belysning längs Älvstigen", "Avfallsplan 2027–2030",
            "Försäljning av fastigheten Tallen 4", "Medborgarförslag om pulkabacke",
            "Revisionsrapport om upphandling"]  # fmt: skip
HEADINGS = ["Sammanfattning", "Bakgrund", "Ärendets beredning", "Bedömning",
            "Ekonomiska konsekvenser", "Konsekvenser för barn", "Miljö och klimat",
            "Samråd", "Förvaltningens förslag"]  # fmt: skip
WORDS = ["kommunen", "förvaltningen", "nämnden", "beslutet", "ärendet", "invånarna",
         "verksamheten", "kostnaden", "utredningen", "planen", "området", "fastigheten",
         "budgeten", "förslaget", "samrådet", "yttrandet", "bedöms", "föreslås", "innebär",
         "kräver", "påverkar", "medför", "redovisas", "beräknas", "omfattar", "långsiktigt",
         "sammantaget", "dessutom", "däremot", "enligt", "avseende", "under", "inom", "efter",
         "och", "att", "det", "som", "för", "med", "till", "av", "på", "är", "en", "ett",
         "inte", "kan", "ska", "har"]  # fmt: skip

STYLE = """@page { size: A4; margin: 25mm 22mm 30mm; }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; }
h1 { font-size: 16pt; } h2 { font-size: 12.5pt; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #999; padding: 3pt; }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Meeting pack: merge, bookmarks, numbers.")
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    started = time.perf_counter()
    parts = make_parts(random.Random(2026), options.items)
    made = time.perf_counter() - started
    pages = sum(len(PdfReader(io.BytesIO(part.pdf)).pages) for part in parts)
    print(f"Meeting pack: {len(parts)} parts, {pages} pages, median of {options.runs} runs")
    row("input PDFs rendered by WeasyPrint (untimed)", f"{made:.1f} s")

    pack, seconds = timed(options.runs, lambda: merge(parts, footer="Kommunstyrelsen 2026-03-04"))
    row("merge(): bookmarks and page numbers", f"{seconds:.2f} s")
    row("  pages per second", f"{pages / seconds:,.0f}")
    budget = TARGET_SECONDS * pages / 400
    row(
        f"  target: under {budget:.1f} s (10 s per 400 pages)",
        "met" if seconds < budget else "NOT MET",
    )
    row("  size of the pack", f"{len(pack) / 1e6:.1f} MB")
    _plain, raw = timed(options.runs, lambda: concatenate(parts))
    row("raw: PdfWriter.append of the same PDFs", f"{raw:.2f} s")
    row("  pages per second", f"{pages / raw:,.0f}")
    print(f"  merge() / raw: {seconds / raw:.2f}")


def timed(runs: int, run: Callable[[], bytes]) -> tuple[bytes, float]:
    """The result of the last run and the median seconds of the runs."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def concatenate(parts: list[Part]) -> bytes:
    """The same pages one after the other: no bookmarks, no numbers."""
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_parts(rng: random.Random, items: int) -> list[Part]:
    """The notice with its agenda, then per item a report of about ten pages, and for
    every third item a one-page map in landscape under it."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()

    def render(body: str, size: str = "A4") -> bytes:
        html = f"<style>{STYLE} @page {{ size: {size} }}</style>{body}"
        return bytes(HTML(string=html).write_pdf(font_config=fonts))

    titles = [rng.choice(SUBJECTS) for _ in range(items)]
    agenda = "".join(f"<li>§ {n} {escape(t)}</li>" for n, t in enumerate(titles, 1))
    notice = "<h1>Kallelse</h1><p>Kommunstyrelsen sammanträder 2026-03-04 kl. 13.00.</p>"
    parts = [Part("Kallelse med föredragningslista", render(f"{notice}<ol>{agenda}</ol>"))]
    for n, title in enumerate(titles, 1):
        heading = f"§ {n} {title}"
        parts.append(Part(f"{heading} – Tjänsteskrivelse", render(report(rng, heading))))
        if n % 3 == 0:
            karta = f"<h1>Bilaga: karta</h1>{paragraph(rng)}"
            parts.append(Part(f"{heading} – Bilaga karta", render(karta, "A4 landscape"), 1))
    return parts


def report(rng: random.Random, heading: str) -> str:
    """A tjänsteskrivelse of about ten pages: sections of paragraphs and a cost table."""
    body = [f"<h1>Tjänsteskrivelse</h1><p><b>{escape(heading)}</b></p>"]
    for section in HEADINGS:
        body.append(f"<h2>{section}</h2>")
        body.extend(paragraph(rng) for _ in range(rng.randint(4, 6)))
        if section == "Ekonomiska konsekvenser":
            cells = "".join(
                f"<tr><td>{year}</td><td>{rng.randint(200, 9000)} tkr</td></tr>"
                for year in range(2027, 2031)
            )
            body.append(f"<table><tr><th>År</th><th>Kostnad</th></tr>{cells}</table>")
    return "".join(body)


def paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(4, 7)):
        words = rng.choices(WORDS, k=rng.randint(9, 18))
        sentences.append(" ".join(words).capitalize() + ".")
    return f"<p>{' '.join(sentences)}</p>"


if __name__ == "__main__":
    main()
