"""`kansli archive`: transfers to the e-archive from the command line, as the system.

    kansli archive export --authority KS --closed-before 2024-01-01 --out DIR
    kansli archive validate DIR [DIR ...]
    kansli archive import DIR [DIR ...]

`export` writes one checked package per closed case not under a hold (FGS 2.0) with a
progress bar, and the receipt DIR/kvitto.csv; run it again with the same DIR after a
crash and it goes on. `validate` runs every check on packages (a package folder, or a
folder of packages) and prints a report; exit status 1 when any fails. `import` reads
packages made by Kansli; a package that fails is refused whole, with the reason."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kansli.archive.actions import do_export_installation, do_export_transfer, do_start_transfer
from kansli.archive.checks import Checking, Report, check_package, start_checks
from kansli.archive.eark import Validator
from kansli.archive.export import BATCH, WORKING
from kansli.org.models import Authority


def packages_in(paths: list[str]) -> list[Path]:
    """Each path is a package (it has METS.xml) or a folder of packages."""
    found = []
    for name in paths:
        path = Path(name)
        if (path / "METS.xml").exists():
            found.append(path)
        elif path.is_dir():
            found += sorted(
                p for p in path.iterdir() if (p / "METS.xml").exists() and p.name != WORKING
            )
        else:
            raise CommandError(f"{name} är varken ett paket eller en mapp med paket.")
    if not found:
        raise CommandError("Inga paket (ingen METS.xml) hittades.")
    return found


class Command(BaseCommand):
    help = "Leveranser till e-arkivet (FGS 2.0): export, kontroll och import av paket."
    # The system checks load every page's code (PDF and image libraries); an export of
    # many packages should not carry them (about 50 MB of memory).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="kommandon")
        export = commands.add_parser("export", help="Exportera avslutade ärenden som paket.")
        export.add_argument("--authority", help="myndighetens kod, t.ex. KS")
        export.add_argument("--closed-before", help="ÅÅÅÅ-MM-DD")
        export.add_argument(
            "--all", action="store_true",
            help="hela installationen, alla ärenden (för flytt till en annan Kansli)",
        )  # fmt: skip
        export.add_argument("--out", required=True, help="mapp för paketen och kvittot")
        validate = commands.add_parser("validate", help="Kontrollera paket.")
        validate.add_argument("paths", nargs="+")
        importing = commands.add_parser("import", help="Läs in paket gjorda av Kansli.")
        importing.add_argument("paths", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"run_{options['subcommand']}")(options)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error

    def run_export(self, options: dict[str, Any]) -> None:
        if options["all"]:
            self.export_everything(Path(options["out"]).resolve())
            return
        if not options["authority"] or not options["closed_before"]:
            raise CommandError("Ange --authority och --closed-before (eller --all).")
        try:
            closed_before = datetime.date.fromisoformat(options["closed_before"])
        except ValueError as error:
            raise CommandError("Ange --closed-before som ÅÅÅÅ-MM-DD.") from error
        authority = Authority.objects.filter(code__iexact=options["authority"]).first()
        if authority is None:
            raise CommandError(f"Ingen myndighet har koden {options['authority']}.")
        out = Path(options["out"]).resolve()
        transfer = do_start_transfer(authority, closed_before, out, actor=None)
        transfer = do_export_transfer(transfer, actor=None, progress=self.bar)
        self.stdout.write("")
        cases = transfer.cases.count()
        self.stdout.write(
            f"Leverans {transfer.pk}: {cases} paket, {transfer.size / 1e6:.1f} MB i {out}; "
            f"kvitto: {out / 'kvitto.csv'}"
        )
        for number in filter(None, transfer.held.split("\n")):
            self.stdout.write(f"  spärrad (bevarandebeslut): {number}")
        if transfer.failed:
            self.stdout.write("Paket som inte klarade kontrollen:")
            self.stdout.write(transfer.failed)
            self.stdout.write(f"Se varför med: kansli archive validate {out / WORKING}")
            raise CommandError("Några paket klarade inte kontrollen.")

    def export_everything(self, out: Path) -> None:
        result = do_export_installation(out, actor=None, progress=self.bar)
        self.stdout.write("")
        for code, exported in result.items():
            self.stdout.write(f"{code}: {len(exported.cases)} paket i {out / code}")
            for number in exported.failed:
                self.stdout.write(f"  klarade inte kontrollen: {number}")
        if any(exported.failed for exported in result.values()):
            raise CommandError("Några paket klarade inte kontrollen.")

    def bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ärenden", ending=""
        )
        self.stdout.flush()

    def run_validate(self, options: dict[str, Any]) -> None:
        failed = 0
        for package in packages_in(options["paths"]):
            report = check_package(package)
            for line in report.lines():
                self.stdout.write(line)
            failed += not report.ok
        if failed:
            raise CommandError(f"{failed} paket underkända.")

    def run_import(self, options: dict[str, Any]) -> None:
        packages = packages_in(options["paths"])
        batches = [packages[start : start + BATCH] for start in range(0, len(packages), BATCH)]
        with Validator() as validator:  # one eark-validator for the run
            failed = self.import_batches(batches, validator)
        if failed:
            raise CommandError(f"{failed} paket avvisade.")

    def import_batches(self, batches: list[list[Path]], validator: Validator) -> int:
        """Check and import the batches of packages; how many were refused. While a
        batch is imported, a thread checks the next one: reads and hashes its files
        (hashlib and the database driver let go of the GIL, so hashing and writing
        overlap; the ERMS check in Saxon mostly does not), checks its ERMS, waits for its
        eark-validator results and has its PDFs read for active content (both in
        processes of their own, on the other core)."""
        from kansli.archive.importer import do_import_package
        from kansli.archive.reader import Refused
        from kansli.files.storage import StorageUnavailable

        if not batches:
            return 0
        failed = 0
        reading = ThreadPoolExecutor(max_workers=1)
        try:
            ahead = reading.submit(_checked, batches[0], validator)
            for number, batch in enumerate(batches):
                reports, found = ahead.result()
                if number + 1 < len(batches):
                    ahead = reading.submit(_checked, batches[number + 1], validator)
                for package, report in zip(batch, reports, strict=True):
                    if not report.ok:
                        failed += 1
                        self.stdout.write(f"{package.name}: avvisat, inget är inläst.")
                        for line in report.lines()[1:]:
                            self.stdout.write(line)
                        continue
                    try:
                        result = do_import_package(
                            package, actor=None, package=report.read,
                            active=found.get(report.read.folder) if report.read else None,
                        )  # fmt: skip
                    except (Refused, ValidationError, DatabaseError) as error:
                        failed += 1
                        self.stdout.write(f"{package.name}: avvisat, inget är inläst: {error}")
                        continue
                    except StorageUnavailable as error:  # the rest would fail too: stop here
                        raise CommandError(f"{package.name}: inget är inläst: {error}") from error
                    self.stdout.write(f"{package.name}: inläst ({result})")
        finally:  # after an error, no further batch is checked (the one under way ends
            reading.shutdown(wait=False, cancel_futures=True)  # before the process does)
        return failed


def _checked(
    batch: list[Path], validator: Validator
) -> tuple[list[Report], dict[Path, dict[str, str]]]:
    return _ready(start_checks(batch, validator=validator))


def _ready(checking: Checking) -> tuple[list[Report], dict[Path, dict[str, str]]]:
    """The batch's reports once eark-validator is done, and what its readable packages'
    PDFs hold of active content (kansli.archive.importer.active_content: a child process
    per BATCH_BYTES, not per package), by package folder."""
    from kansli.archive.importer import active_content

    reports = checking.collect()
    read = [report.read for report in reports if report.ok and report.read is not None]
    return reports, dict(zip((r.folder for r in read), active_content(read), strict=True))
