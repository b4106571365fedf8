"""How fast a disposal run lists and disposes of due documents, and its peak memory.

    .venv/bin/python bench/retention.py [--documents N] [--keep]

N documents (default 100,000) of closed cases, every tenth with a file of its own, all
due under a plan rule ("2 år efter ärendets avslut"); the run is listed, reviewed,
approved and carried out through the real actions, one document per transaction, and
compared with the raw limit: one UPDATE blanking the same number of rows. Runs on a
temporary SQLite database, or on KANSLI_DATABASE_URL if set (see common.py).
"""

from __future__ import annotations

import argparse
import datetime
import resource
import time
from typing import Any

from common import row, setup


def main() -> None:
    parser = argparse.ArgumentParser(description="Disposal run rates.")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    options = parser.parse_args()
    where = setup(keep=options.keep)
    print(f"Disposal: {options.documents:,} due documents")
    print(f"  {where.database}")
    authority, archivist, manager = seed(options.documents)

    from kansli.retention import disposal

    started = time.perf_counter()
    run = disposal.do_list_disposal(authority, actor=archivist)
    listing = time.perf_counter() - started
    going = run.items.count()
    row("list the due documents", f"{going / listing:,.0f} documents/s ({listing:.1f} s)")
    run = disposal.do_review_disposal(run, excluded={}, actor=manager)
    run = disposal.do_approve_disposal(run, excluded={}, actor=archivist)
    before = peak_mb()
    started = time.perf_counter()
    run = disposal.do_dispose(run, actor=archivist)
    disposing = time.perf_counter() - started
    disposed = run.items.filter(disposed_at__isnull=False).count()
    row("dispose (files, text, index, audit)", f"{disposed / disposing:,.0f} documents/s "
        f"({disposing:.1f} s)")  # fmt: skip
    row("peak memory (whole process)", f"{peak_mb():,.0f} MB (before disposal {before:,.0f})")
    raw = raw_update(options.documents)
    row(
        "raw UPDATE of as many rows",
        f"{raw:,.0f} rows/s (ratio {raw / (disposed / disposing):,.0f})",
    )
    if options.keep:
        print(f"  data kept in {where.data_dir}")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(count: int) -> tuple[Any, Any, Any]:
    """Closed cases of five documents each, closed in 2022, in process 1.2."""
    from django.db import transaction
    from django.utils import timezone

    from kansli.files.store import store_bytes
    from kansli.org.models import Role
    from kansli.org.testing import make_authority, make_user
    from kansli.registry.models import Case, Classification, Document, DocumentFile
    from kansli.retention.testing import make_plan

    authority = make_authority()
    make_plan(authority)
    process = Classification.objects.create(authority=authority, code="1.2", title="Lämna ut")
    closed = timezone.make_aware(datetime.datetime(2022, 3, 1, 12))
    cases = [
        Case(authority=authority, year=2021, number=n + 1, title=f"Begäran {n}",
             classification=process, status="avslutat", opened_at=closed, closed_at=closed)
        for n in range((count + 4) // 5)
    ]  # fmt: skip
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=2000)
        cases = list(Case.objects.filter(authority=authority).order_by("number"))
        documents = [
            Document(case=case, number=n + 1, direction="inkommen",
                     document_date=datetime.date(2021, 6, 1), registered_at=closed,
                     counterpart=f"Person {i}", description=f"Begäran nummer {i}",
                     document_type="Begäran om allmän handling")
            for i, (case, n) in enumerate((c, n) for c in cases for n in range(5))
            if i < count
        ]  # fmt: skip
        Document.objects.bulk_create(documents, batch_size=2000)
        with_files = Document.objects.filter(case__authority=authority).order_by("pk")[::10]
        for document in with_files:
            stored = store_bytes(f"Brev {document.pk}".encode(), "brev.txt")
            DocumentFile.objects.create(document=document, stored=stored, name="brev.txt",
                                        added_at=closed)  # fmt: skip
    archivist = make_user("bench-arkivarie", roles=[(Role.ARCHIVIST, authority)])
    manager = make_user("bench-chef", roles=[(Role.MANAGER, authority)])
    return authority, archivist, manager


def raw_update(count: int) -> float:
    """Rows per second of one UPDATE blanking the description of `count` rows."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "UPDATE registry_document SET description = 'x', counterpart = '' "
            "WHERE id IN (SELECT id FROM registry_document ORDER BY id LIMIT %s)",
            [count],
        )
        seconds = time.perf_counter() - started
    return count / seconds


if __name__ == "__main__":
    main()
