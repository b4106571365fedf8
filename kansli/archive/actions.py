"""Transfers to the e-archive as actions: start one, export it (long, outside one
transaction, resumable), register the e-archive's receipt. Each is the authority's
archivist's (arkivarie) or a system administrator's, or the system's own (actor None:
`kansli archive`, the worker), and each writes its audit event."""

from __future__ import annotations

import datetime
import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kansli.archive.export import Exported, export_cases, receipt_lines
from kansli.archive.models import Transfer, TransferredCase
from kansli.archive.package import safe_name
from kansli.audit.chain import record
from kansli.org.models import Authority, Role, RoleAssignment
from kansli.org.permissions import is_sysadmin

NOT_ALLOWED = (
    "Endast arkivarien för myndigheten eller en systemadministratör lämnar över till e-arkivet."
)


def may_transfer(actor: Any, authority: Authority) -> bool:
    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if is_sysadmin(actor):
        return True
    held = RoleAssignment.objects.valid_on().filter(user=actor, role=Role.ARCHIVIST)
    return held.filter(authority=authority).exists()


def do_start_transfer(
    authority: Authority, closed_before: datetime.date, folder: Path, *, actor: Any
) -> Transfer:
    """Record a new transfer of the authority's cases closed before the day, to be
    written into folder (by do_export_transfer, in the background from the web)."""
    if not may_transfer(actor, authority):
        raise PermissionDenied(NOT_ALLOWED)
    if closed_before > timezone.localdate():
        raise ValidationError("Dagen för avslutade ärenden kan inte ligga i framtiden.")
    with transaction.atomic():
        transfer = Transfer.objects.create(
            authority=authority, closed_before=closed_before, folder=str(folder),
            started_at=timezone.now(), started_by=actor,
        )  # fmt: skip
        record(actor=actor, action="archive.transfer_started", obj=transfer,
               after={"authority": authority.code,
                      "closed_before": closed_before.isoformat()})  # fmt: skip
    return transfer


def do_export_transfer(
    transfer: Transfer, *, actor: Any, progress: Callable[[int, int], None] | None = None
) -> Transfer:
    """Write and check the transfer's packages. Run again after a crash, it keeps the
    packages already in the receipt and goes on with the rest."""
    transfer = Transfer.objects.select_related("authority").get(pk=transfer.pk)
    if not may_transfer(actor, transfer.authority):
        raise PermissionDenied(NOT_ALLOWED)
    if transfer.status == Transfer.Status.RECEIVED:
        raise ValidationError("Leveransen är redan kvitterad av e-arkivet.")

    def step(done: int, total: int) -> None:
        Transfer.objects.filter(pk=transfer.pk).update(done=done, total=total)
        if progress is not None:
            progress(done, total)

    # A case in another transfer is not sent again (the e-archive has it, or will).
    elsewhere = TransferredCase.objects.filter(case__authority=transfer.authority).exclude(
        transfer=transfer
    )
    with _only_export(Path(transfer.folder)):
        exported = export_cases(
            transfer.authority, transfer.closed_before, Path(transfer.folder),
            skip=elsewhere.values_list("case_id", flat=True), progress=step,
        )  # fmt: skip
    packages = {row[0]: row for row in receipt_lines(Path(transfer.folder)) if row}
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        for objid, case_id in exported.cases.items():
            _objid, _number, files, size, sha256 = packages[objid]
            TransferredCase.objects.update_or_create(
                transfer=transfer, case_id=case_id,
                defaults={"package": objid, "mets_sha256": sha256, "files": int(files),
                          "size": int(size)},
            )  # fmt: skip
        transfer.status, transfer.finished_at = Transfer.Status.EXPORTED, timezone.now()
        transfer.size = sum(int(packages[objid][3]) for objid in exported.cases)
        transfer.held = "\n".join(exported.held)
        # Only the case numbers and the rules: a finding may name a secret document's file.
        transfer.failed = "\n".join(
            f"{number}: {', '.join(sorted({f.rule for f in report.findings}))}"
            for number, report in exported.failed.items()
        )
        transfer.save()
        record(actor=actor, action="archive.exported", obj=transfer, after={
            "packages": len(exported.cases), "written": len(exported.written),
            "kept": len(exported.kept),
            "held": len(exported.held), "failed": len(exported.failed), "bytes": transfer.size,
        })  # fmt: skip
    return transfer


@contextmanager
def _only_export(folder: Path) -> Iterator[None]:
    """One export at a time into a folder: a second (a task run twice, a second press)
    is refused while the first writes, instead of writing the same packages at once."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".exporting"
    with marker.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ValidationError("Leveransen exporteras redan.") from error
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)  # not delivered with the packages


def do_register_receipt(
    transfer: Transfer, reference: str, received_on: datetime.date, *, actor: Any
) -> Transfer:
    """The e-archive's receipt (kvittens) for the transfer: from now on its cases are
    transferred, and the plan decides when they leave the active system."""
    transfer = Transfer.objects.select_related("authority").get(pk=transfer.pk)
    if not may_transfer(actor, transfer.authority):
        raise PermissionDenied(NOT_ALLOWED)
    reference = " ".join(reference.split())
    if not reference:
        raise ValidationError("Ange e-arkivets kvittens (dess nummer eller beteckning).")
    if transfer.status != Transfer.Status.EXPORTED:
        raise ValidationError(
            "Bara en exporterad leverans som inte redan är kvitterad kan kvitteras."
        )
    if received_on > timezone.localdate() or received_on < timezone.localdate(transfer.started_at):
        raise ValidationError("Kvittensens datum ska ligga mellan leveransen och i dag.")
    with transaction.atomic():
        transfer.receipt_reference, transfer.receipt_date = reference, received_on
        transfer.receipt_registered_at, transfer.receipt_registered_by = timezone.now(), actor
        transfer.status = Transfer.Status.RECEIVED
        transfer.save()
        record(actor=actor, action="archive.receipt_registered", obj=transfer,
               after={"reference": reference, "date": received_on.isoformat(),
                      "cases": transfer.cases.count()})  # fmt: skip
    return transfer


def do_export_installation(
    out: Path, *, actor: Any, progress: Callable[[int, int], None] | None = None
) -> dict[str, Exported]:
    """Every case of every authority, open and held ones too, as packages in
    out/<authority code>/, to move the whole installation to another Kansli (`kansli
    archive import` there). Not a transfer: nothing is marked transferred. A system
    administrator's, or the system's."""
    if actor is not None and not is_sysadmin(actor):
        raise PermissionDenied("Endast en systemadministratör exporterar hela installationen.")
    result = {}
    for authority in Authority.objects.order_by("code"):
        folder = out / safe_name(authority.code)  # a code is never a path
        result[authority.code] = export_cases(authority, None, folder, progress=progress)
    with transaction.atomic():
        record(actor=actor, action="archive.installation_exported", after={
            code: len(exported.cases) for code, exported in result.items()
        })  # fmt: skip
    return result
