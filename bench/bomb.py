"""The DOCX bomb of issue 12: a Word file of a few hundred kilobytes whose text unpacks to
400 million characters (which once took 3 GB of memory and grew the database by 400 MB).
Uploaded through the registration form, it must be refused in under 5 s with the
process's peak memory under 500 MB; beside it, the same form with an ordinary Word file
(the baseline: what any upload costs).

    .venv/bin/python bench/bomb.py [--unpacked-mb 400] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
import zipfile

from common import row, setup

TARGET_SECONDS = 5.0
TARGET_MB = 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def docx_bomb(word: bytes, unpacked_mb: int) -> bytes:
    """samples.docx_bomb, written a megabyte at a time so that building it does not
    count in the peak memory measured."""
    real = zipfile.ZipFile(io.BytesIO(word))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            data = real.read(item)
            if item.filename != "word/document.xml":
                bomb.writestr(item.filename, data)
                continue
            head, _cut, tail = data.partition(b"</w:t>")
            with bomb.open(item.filename, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(unpacked_mb):
                    part.write(b"a" * 1024 * 1024)
                part.write(b"</w:t>" + tail)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--unpacked-mb", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["KANSLI_REQUIRE_TWO_FACTOR"] = "0"  # the form, not the login, is measured
    where = setup()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from kansli.files.models import StoredFile
    from kansli.files.tests import samples
    from kansli.org.models import Role
    from kansli.org.testing import make_authority, make_user

    setup_test_environment()
    ks = make_authority("KS")
    client = Client()
    client.force_login(make_user("registrator", roles=[(Role.REGISTRAR, ks)]))
    bomb = docx_bomb(samples.word(), args.unpacked_mb)
    ordinary = samples.word()

    def upload(name: str, data: bytes) -> tuple[float, str]:
        started = time.perf_counter()
        answer = client.post(
            "/registrera/",
            {
                "mode": "nytt", "authority": ks.pk, "title": "Ansökan", "direction": "inkommen",
                "document_date": timezone.localdate().isoformat(), "counterpart": "Anna",
                "description": "Ansökan", "uploads": [SimpleUploadedFile(name, data)],
            },
        )  # fmt: skip
        seconds = time.perf_counter() - started
        refused = "zip-bomb" in answer.content.decode()
        return seconds, "refused" if refused else f"HTTP {answer.status_code}"

    before = peak_mb()
    ordinary_runs = [upload("brev.docx", ordinary)[0] for _ in range(args.runs)]
    bomb_runs = []
    outcome = ""
    for _ in range(args.runs):
        seconds, outcome = upload("bomb.docx", bomb)
        bomb_runs.append(seconds)
    bomb_seconds = statistics.median(bomb_runs)
    baseline = statistics.median(ordinary_runs)
    print(f"The DOCX bomb through the registration form ({where.database})")
    row("bomb: packed / unpacked", f"{len(bomb) / 1024:.0f} kB / {args.unpacked_mb} MB")
    row("bomb: answer", outcome)
    row("bomb: median seconds", f"{bomb_seconds:.3f}")
    row("ordinary Word file: median seconds (baseline)", f"{baseline:.3f}")
    row("ratio bomb / baseline", f"{bomb_seconds / baseline:.2f}")
    row("process peak memory MB (before uploads)", f"{before:.0f}")
    row("process peak memory MB (after)", f"{peak_mb():.0f}")
    row("stored files (the ordinary one only)", str(StoredFile.objects.count()))
    ok = outcome == "refused" and bomb_seconds < TARGET_SECONDS and peak_mb() < TARGET_MB
    row(f"target: refused, < {TARGET_SECONDS:g} s, < {TARGET_MB} MB", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
