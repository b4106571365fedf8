"""Exporting an authority's closed cases for the e-archive, one package per case.

Each package is written under DIR/.pågående/<OBJID>, checked (kansli.archive.checks:
every file against METS, ERMS against its schema and Schematron, the package with
eark-validator, once for BATCH packages) and only then moved to DIR/<OBJID> and added to
the receipt DIR/kvitto.csv (package, case number, files, bytes, SHA-256 of its
METS.xml), which is flushed to disk (fsync) after each batch's packages are in place.
The fixity check takes each file's SHA-256 as computed while the file was written,
so a file's bytes are read once. A run that stops (a crash, a power cut) is started
again with the same command: packages already in the receipt are kept, a half-written
one is written again. A package that fails its checks is left under .pågående with
the findings, and the run goes on with the next case.

Held cases (legal holds, kansli.retention.holds) are not exported: a hold stops
transfer as it stops disposal. The cases' documents, files, parties and decisions are
read BATCH cases at a time (a few queries per batch, not per case). Files are copied
in chunks and at most BATCH packages wait for their checks, so memory does not grow
with the size of a case or a run."""

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
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from kansli.archive.checks import Checking, Report, start_checks
from kansli.archive.eark import Validator
from kansli.archive.erms import paragraphs_of
from kansli.archive.package import Written, contents, package_id, write_package
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


def _append(out: Path, done: list[tuple[Case, Written]]) -> None:
    """The packages moved into place to the receipt, on disk (fsync) before the run
    goes on: a crash before that leaves them out, and the next run writes them again."""
    path = out / RECEIPT
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        if new:
            rows.writerow(RECEIPT_HEADER)
        for case, written in done:
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
        with Validator() as validator:  # one eark-validator for the run
            return _export(authority, closed_before, out, skip, progress, validator)


def _export(
    authority: Authority,
    closed_before: datetime.date | None,
    out: Path,
    skip: Iterable[int],
    progress: Callable[[int, int], None] | None,
    validator: Validator,
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
    number = 0
    for chunk in _chunks(cases):
        # What the chunk's packages need, read for all its cases at once.
        prefetch_related_objects(chunk, *contents())
        paragraphs = paragraphs_of(chunk)
        for case in chunk:
            number += 1
            objid = package_id(case)
            if closed_before is not None and _held(holds, case):
                result.held.append(case.case_number)
            elif objid in done and (out / objid / "METS.xml").exists():
                result.kept.append(objid)
                result.cases[objid] = case.pk
            else:
                folder = out / WORKING / objid
                written = write_package(case, folder, created, rules, paragraphs.get(case.pk, []))
                batch.append((case, written))
            if len(batch) >= BATCH or (batch and number == total):
                # eark-validator checks this batch while the next one is written.
                checking = _check(batch, validator)
                if waiting is not None:
                    _finish(out, *waiting, result)
                waiting, batch = (batch, checking), []
            if progress is not None:
                progress(number, total)
    if batch:
        checking = _check(batch, validator)
        if waiting is not None:
            _finish(out, *waiting, result)
        waiting = (batch, checking)
    if waiting is not None:
        _finish(out, *waiting, result)
    return result


def _chunks(cases: QuerySet[Case]) -> Iterator[list[Case]]:
    """The cases BATCH at a time."""
    chunk: list[Case] = []
    for case in cases.iterator(chunk_size=100):
        chunk.append(case)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check(batch: list[tuple[Case, Written]], validator: Validator) -> Checking:
    """Start the checks of the batch's packages; each file's SHA-256 as computed while
    it was written stands for it (its bytes are not read again)."""
    return start_checks(
        [written.folder for _case, written in batch],
        hashed=[written.hashed for _case, written in batch],
        validator=validator,
    )


def _finish(
    out: Path, batch: list[tuple[Case, Written]], checking: Checking, result: Exported
) -> None:
    """Wait for the batch's checks; move each package that passes into place and add
    them to the receipt."""
    reports = checking.collect()
    moved: list[tuple[Case, Written]] = []
    for (case, written), report in zip(batch, reports, strict=True):
        if not report.ok:
            result.failed[case.case_number] = report
            continue
        final = out / written.objid
        if final.exists():  # written by a run that stopped before the receipt
            shutil.rmtree(final)
        written.folder.rename(final)
        # Kept without its hashes: memory must not grow with the length of a run.
        done = Written(written.objid, final, written.files, written.size, written.mets_sha256)
        result.written.append(done)
        moved.append((case, done))
        result.cases[written.objid] = case.pk
    if moved:
        _append(out, moved)


def _held(holds: Holds, case: Case) -> bool:
    """A hold on the case, its parties, or any of its documents or their senders and
    recipients stops the case's transfer."""
    if holds.reason(case):
        return True
    return any(holds.reason(case, document) for document in case.documents.all())
