"""Exporting an authority's closed cases for the e-archive, one package per case.

Each package is written under DIR/.pågående/<OBJID>, checked (kansli.archive.checks:
every file against METS, ERMS against its schema and Schematron, the package with
eark-validator, once for BATCH packages) and only then moved to DIR/<OBJID> and added to the receipt
DIR/kvitto.csv (package, case number, files, bytes, SHA-256 of its METS.xml), which is
flushed to disk line by line. A run that stops (a crash, a power cut) is started
again with the same command: packages already in the receipt are kept, a half-written
one is written again. A package that fails its checks is left under .pågående with
the findings, and the run goes on with the next case.

Held cases (legal holds, kansli.retention.holds) are not exported: a hold stops
transfer as it stops disposal. Files are copied in chunks and at most BATCH packages
wait for their checks, so memory does not grow with the size of a case or a run."""

from __future__ import annotations

import csv
import datetime
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from kansli.archive.checks import Checking, Report, start_checks
from kansli.archive.package import Written, package_id, write_package
from kansli.org.models import Authority
from kansli.registry.models import Case, CaseStatus
from kansli.retention.holds import Holds
from kansli.retention.models import effective_rules

RECEIPT = "kvitto.csv"
LOCK = ".lås"
BATCH = 20  # packages written, then checked together (one eark-validator process)
WORKING = ".pågående"
RECEIPT_HEADER = ["paket", "ärende", "filer", "byte", "METS.xml SHA-256"]


@dataclass
class Exported:
    """What a run did: packages written now, kept from an earlier run, refused."""

    written: list[Written] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # case numbers under a hold
    failed: dict[str, Report] = field(default_factory=dict)  # case number -> findings
    cases: dict[str, int] = field(default_factory=dict)  # package -> case id, written or kept

    @property
    def size(self) -> int:
        return sum(w.size for w in self.written)


def closed_cases(authority: Authority, closed_before: datetime.date | None) -> QuerySet[Case]:
    """The authority's cases closed (avslutade) before the day, and those voided
    (makulerade, never closed) that were opened before it, oldest number first; without
    a day every case, open ones too (moving a whole installation)."""
    cases = Case.objects.filter(authority=authority)
    if closed_before is not None:
        zone = timezone.get_current_timezone()
        moment = datetime.datetime.combine(closed_before, datetime.time(), zone)
        voided = Q(status=CaseStatus.VOIDED, closed_at__isnull=True, opened_at__lt=moment)
        cases = cases.filter(Q(closed_at__lt=moment) | voided)
    return cases.select_related(
        "authority__municipality", "series", "classification", "officer", "unit"
    ).order_by("year", "number", "pk")


def receipt_lines(out: Path) -> Iterator[list[str]]:
    path = out / RECEIPT
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        yield from rows


def _append(out: Path, written: Written, case: Case) -> None:
    path = out / RECEIPT
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        if new:
            rows.writerow(RECEIPT_HEADER)
        rows.writerow(
            [written.objid, case.case_number, written.files, written.size, written.mets_sha256]
        )
        handle.flush()
        os.fsync(handle.fileno())


def export_cases(
    authority: Authority,
    closed_before: datetime.date | None,
    out: Path,
    *,
    skip: Iterable[int] = (),
    progress: Callable[[int, int], None] | None = None,
) -> Exported:
    """Write and check one package per closed case not under a hold into out, leaving
    out the cases `skip` names (in another transfer already); without a day, every case
    of the authority, held ones too (an installation that moves takes everything with
    it; the holds are placed again there). One run at a time writes into a folder."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ValidationError(f"En annan export skriver redan i {out}.") from error
        return _export(authority, closed_before, out, skip, progress)


def _export(
    authority: Authority,
    closed_before: datetime.date | None,
    out: Path,
    skip: Iterable[int],
    progress: Callable[[int, int], None] | None,
) -> Exported:
    done = {row[0] for row in receipt_lines(out) if row}
    holds = Holds(authority)
    cases = closed_cases(authority, closed_before).exclude(pk__in=list(skip))
    total = cases.count()
    result = Exported()
    created = timezone.now()
    rules = effective_rules(authority)  # read once for every case's disposal rules
    batch: list[tuple[Case, Written]] = []
    waiting: tuple[list[tuple[Case, Written]], Checking] | None = None
    for number, case in enumerate(cases.iterator(chunk_size=100), 1):
        objid = package_id(case)
        if closed_before is not None and _held(holds, case):
            result.held.append(case.case_number)
        elif objid in done and (out / objid / "METS.xml").exists():
            result.kept.append(objid)
            result.cases[objid] = case.pk
        else:
            batch.append((case, write_package(case, out / WORKING / objid, created, rules)))
        if len(batch) >= BATCH or (batch and number == total):
            # eark-validator checks this batch while the next one is written.
            checking = start_checks([written.folder for _case, written in batch])
            if waiting is not None:
                _finish(out, *waiting, result)
            waiting, batch = (batch, checking), []
        if progress is not None:
            progress(number, total)
    if batch:
        checking = start_checks([written.folder for _case, written in batch])
        if waiting is not None:
            _finish(out, *waiting, result)
        waiting = (batch, checking)
    if waiting is not None:
        _finish(out, *waiting, result)
    return result


def _finish(
    out: Path, batch: list[tuple[Case, Written]], checking: Checking, result: Exported
) -> None:
    """Wait for the batch's checks; move each package that passes into place and add it
    to the receipt."""
    reports = checking.collect()
    for (case, written), report in zip(batch, reports, strict=True):
        if not report.ok:
            result.failed[case.case_number] = report
            continue
        final = out / written.objid
        if final.exists():  # written by a run that stopped before the receipt
            shutil.rmtree(final)
        written.folder.rename(final)
        done = Written(written.objid, final, written.files, written.size, written.mets_sha256)
        result.written.append(done)
        _append(out, done, case)
        result.cases[written.objid] = case.pk


def _held(holds: Holds, case: Case) -> bool:
    """A hold on the case, its parties, or any of its documents or their senders and
    recipients stops the case's transfer."""
    if holds.reason(case):
        return True
    return any(holds.reason(case, document) for document in case.documents.all())
