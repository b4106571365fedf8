"""How fast closed cases go out as checked FGS 2.0 packages and come back in, beside the
raw limit of the same bytes: `tar` of the stored files piped to `sha256sum`, measured in
the same run.

    .venv/bin/python bench/archive.py [--documents N] [--size KIB] [--keep]

N documents (default 10,000) in closed cases of ten documents each, every document
with a PDF file of its own (default 48 KiB, distinct bytes); `kansli archive export`
writes and checks one package per case (every file's SHA-256 against METS, ERMS
against its schema and Schematron, eark-validator) in a process of its own, whose
peak memory getrusage reports (RUSAGE_SELF: that process alone, Saxon's heap
included; eark-validator runs in processes of its own);
`kansli archive import` then reads every package into an empty installation. Runs on
temporary SQLite databases, or on KANSLI_DATABASE_URL if set (see common.py; the
import then needs a second, empty one in KANSLI_BENCH_IMPORT_URL)."""

from __future__ import annotations

import argparse
import atexit
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import row, setup

KANSLI = str(Path(sys.executable).with_name("kansli"))


def main() -> None:
    parser = argparse.ArgumentParser(description="E-archive export and import rates.")
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=48, help="KiB per file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    options = parser.parse_args()
    where = setup(keep=options.keep)
    print(f"E-archive: {options.documents:,} documents with files of {options.size} KiB")
    print(f"  {where.database}")
    payload, files = seed(options.documents, options.size * 1024)
    megabytes = payload / 1e6
    row("files to export", f"{len(files):,} ({megabytes:,.0f} MB)")
    row("load average (1, 5, 15 min)", " ".join(f"{n:.1f}" for n in os.getloadavg()))

    raw = tar_sha256(where.data_dir, files)
    row("raw: tar | sha256sum of the stored files", f"{megabytes / raw:,.1f} MB/s ({raw:.1f} s)")

    out = where.data_dir / "paket"
    seconds, peak = timed(["archive", "export", "--authority", "BN",
                                  "--closed-before", "2024-01-01", "--out", str(out)])  # fmt: skip
    packages = sum(1 for p in out.iterdir() if (p / "METS.xml").exists())
    seconds_out = seconds
    row(
        "export, checked (kansli archive export)",
        f"{megabytes / seconds:,.1f} MB/s ({seconds:.1f} s)",
    )
    row("  ratio to tar | sha256sum", f"{(megabytes / seconds) / (megabytes / raw):.2f}")
    row("  packages", f"{packages:,} ({packages / seconds:,.1f}/s)")
    row("  load average after it", " ".join(f"{n:.1f}" for n in os.getloadavg()))
    row("  peak memory of the export process", f"{peak:,.0f} MB")

    target = Path(tempfile.mkdtemp(prefix="kansli-bench-import-"))
    if not options.keep:
        atexit.register(shutil.rmtree, target, ignore_errors=True)
    env = {**os.environ, "KANSLI_DATA_DIR": str(target)}
    if os.environ.get("KANSLI_DATABASE_URL"):
        env["KANSLI_DATABASE_URL"] = os.environ.get("KANSLI_BENCH_IMPORT_URL", "")
    subprocess.run([KANSLI, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([KANSLI, "shell", "-c", AUTHORITY], env=env, check=True, capture_output=True)
    seconds, peak = timed(["archive", "import", str(out)], env=env)
    row("import (kansli archive import)", f"{megabytes / seconds:,.1f} MB/s ({seconds:.1f} s)")
    row("  peak memory of the import process", f"{peak:,.0f} MB")
    row("  ratio to the export", f"{seconds_out / seconds:.2f}")
    if options.keep:
        print(f"  data kept in {where.data_dir} and {target}")


AUTHORITY = "from kansli.org.testing import make_authority; make_authority('BN', 'Byggnadsnämnden')"


RUN = """
import os, resource, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
django.setup()
from django.core.management import call_command
call_command(*sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"PEAK {own:.0f}")
"""


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds, and the peak memory (MB) of the command's own process (getrusage)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUN, *command], env=env or dict(os.environ),
                          capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds, float(done.stdout.strip().splitlines()[-1].split()[1])


def seed(count: int, size: int) -> tuple[int, list[str]]:
    """Closed cases of ten documents, each with a PDF of its own; the stored files'
    paths (relative to the data dir) and their bytes."""
    from django.db import transaction
    from django.utils import timezone

    from kansli.files.store import store_bytes
    from kansli.org.testing import make_authority
    from kansli.registry.models import Case, Document, DocumentFile

    authority = make_authority("BN", "Byggnadsnämnden")
    closed = timezone.make_aware(datetime.datetime(2022, 3, 1, 12))
    filler = os.urandom(size)
    files, payload = [], 0
    with transaction.atomic():
        cases = Case.objects.bulk_create([
            Case(authority=authority, year=2021, number=n + 1, title=f"Bygglov {n}",
                 status="avslutat", opened_at=closed, closed_at=closed)
            for n in range((count + 9) // 10)
        ], batch_size=2000)  # fmt: skip
        cases = list(Case.objects.filter(authority=authority).order_by("number"))
        documents = Document.objects.bulk_create([
            Document(case=case, number=n + 1, direction="inkommen",
                     document_date=datetime.date(2021, 6, 1), registered_at=closed,
                     counterpart=f"Sökande {i}", description=f"Ritning {i}",
                     document_type="Ansökan om bygglov")
            for i, (case, n) in enumerate((c, n) for c in cases for n in range(10)) if i < count
        ], batch_size=2000)  # fmt: skip
        for document in Document.objects.filter(case__authority=authority).order_by("pk"):
            data = pdf(document.pk, filler)
            stored = store_bytes(data, "ritning.pdf")
            DocumentFile.objects.create(document=document, stored=stored, name="Ritning.pdf",
                                        added_at=closed)  # fmt: skip
            files.append(f"files/{stored.storage_name}")
            payload += len(data)
    del documents
    return payload, files


def pdf(number: int, filler: bytes) -> bytes:
    """A one-page PDF that readers open (pypdf reads its cross-reference table, as the
    import's active-content check does), its page's content stream the filler: a
    scanned drawing's size without the drawing."""
    parts = [b"%PDF-1.4\n%\xe5\xe4\xf6\n"]
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        b"<</Length %d>>stream\n%%%d\n" % (len(filler) + len(str(number)) + 2, number)
        + filler
        + b"\nendstream",
    ]
    offsets = []
    for index, body in enumerate(objects, 1):
        offsets.append(sum(len(part) for part in parts))
        parts.append(b"%d 0 obj\n" % index + body + b"\nendobj\n")
    start = sum(len(part) for part in parts)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(b"xref\n0 5\n0000000000 65535 f \n" + table)
    parts.append(b"trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % start)
    return b"".join(parts)


def tar_sha256(data_dir: Path, files: list[str]) -> float:
    """Seconds for tar of the files piped to sha256sum."""
    listing = data_dir / "tar-list"
    listing.write_text("\n".join(files))
    started = time.perf_counter()
    tar = subprocess.Popen(["tar", "-cf", "-", "-C", str(data_dir), "-T", str(listing)],
                           stdout=subprocess.PIPE)  # fmt: skip
    subprocess.run(["sha256sum"], stdin=tar.stdout, stdout=subprocess.DEVNULL, check=True)
    if tar.wait() != 0:
        sys.exit("tar failed")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
