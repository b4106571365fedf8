"""How fast an officer's report is generated from its template (issue 15's target: p50
under 300 ms for DOCX and PDF), beside the raw baselines: docxtpl filling the same Word
template alone (no profile, no logo, no colouring) and WeasyPrint printing a bare HTML
page alone.

    .venv/bin/python bench/drafting.py [--runs 50]

Runs on a fresh database of its own (bench/common.py) with a graphic profile that has a
logo, so every run embeds the picture and reads the profile as in use.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from common import row, setup

TARGET_MS = 300.0


def timed(runs: int, run: Callable[[], object]) -> tuple[float, float]:
    """p50 and p95 of the run, in milliseconds (after one warm-up run)."""
    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    where = setup()

    from docxtpl import DocxTemplate
    from weasyprint import HTML

    from kansli.drafting.docx import default_template, jinja_env
    from kansli.drafting.render import case_context, render_docx, render_pdf
    from kansli.drafting.testing import make_case_with_protected_party, png
    from kansli.files.store import store_bytes
    from kansli.meetings.actions import do_set_graphic_profile

    case, officer = make_case_with_protected_party()
    logo = store_bytes(png((20, 90, 160)), "logo.png")
    do_set_graphic_profile(case.authority.municipality, colour="#145aa0",
                           font_family="DejaVu Sans", logo=logo, actor=None)  # fmt: skip
    context = case_context(case, viewer=officer) | {
        "heading": "Medborgarförslag om fler parkbänkar",
        "summary": "Förslaget gäller fler parkbänkar längs ån.\n" * 5,
        "background": "Förslaget kom in i maj och har beretts av kansliet.\n" * 10,
        "assessment": "Förvaltningen bedömer att förslaget kan genomföras.\n" * 10,
        "consequences": "Kostnaden ryms inom budgeten.\n" * 3,
        "proposal": "Kommunstyrelsen föreslår fullmäktige att bifalla förslaget.",
        "appendices": ["Medborgarförslaget", "Karta"],
    }
    template = default_template("report")

    def raw_docx() -> None:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env(), autoescape=True)
        document.save(io.BytesIO())

    bare = "<!doctype html><html lang=sv><body><h1>Tjänsteskrivelse</h1><p>Text.</p></body>"
    print(f"Officer's report from its template, {runs} runs, {where.database}")
    authority = case.authority

    def docx() -> bytes:
        return render_docx("report", context, authority=authority)

    def pdf() -> bytes:
        return render_pdf("report", context, authority=authority)

    figures = [
        ("DOCX (render_docx)", timed(runs, docx)),
        ("  baseline: docxtpl alone", timed(runs, raw_docx)),
        ("PDF (render_pdf)", timed(runs, pdf)),
        ("  baseline: bare WeasyPrint", timed(runs, lambda: HTML(string=bare).write_pdf())),
    ]  # fmt: skip
    for label, (p50, p95) in figures:
        row(label, f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    row("DOCX / docxtpl alone (p50)", f"{figures[0][1][0] / figures[1][1][0]:.2f}×")
    row("PDF / bare WeasyPrint (p50)", f"{figures[2][1][0] / figures[3][1][0]:.2f}×")
    worst = max(figures[0][1][0], figures[2][1][0])
    verdict = "met" if worst < TARGET_MS else "NOT met"
    row(f"target p50 under {TARGET_MS:.0f} ms", verdict)


if __name__ == "__main__":
    main()
