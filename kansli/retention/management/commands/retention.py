"""`kansli retention`: the monthly disposal run from the command line (cron or a
systemd timer), as the system.

    kansli retention list [--authority KS] [--on 2026-12-01] [--dry-run]
    kansli retention dispose RUN_ID
    kansli retention link-types [--dry-run] [--csv FILE]

`list` makes each authority's disposal list and sends it to the manager's review (with
--dry-run it prints what would be listed, and changes nothing); `dispose` carries out a
list the manager and the archivist have approved, with a progress bar, and can be run
again after a crash to go on where it stopped. `link-types` gives the documents registered
with a type as free text the plan's type of the same name and reports the types no plan
names (kansli.retention.doctypes.do_link_types)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kansli.org.models import Authority
from kansli.retention.disposal import do_dispose, do_list_disposal, due_documents
from kansli.retention.doctypes import do_link_types
from kansli.retention.models import DisposalRun


class Command(BaseCommand):
    help = "Gallring enligt informationshanteringsplanen: gallringslistor och gallring."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="kommandon")
        listing = commands.add_parser("list", help="Gör gallringslistor (månadsvis).")
        listing.add_argument("--authority", help="myndighetens kod (standard: alla)")
        listing.add_argument("--on", help="dag som listan avser, ÅÅÅÅ-MM-DD (standard: i dag)")
        listing.add_argument("--dry-run", action="store_true", help="skriv bara ut listan")
        dispose = commands.add_parser("dispose", help="Gallra en godkänd lista.")
        dispose.add_argument("run", type=int, help="gallringslistans nummer")
        link = commands.add_parser(
            "link-types", help="Koppla handlingarnas handlingstyper till planens."
        )
        link.add_argument("--dry-run", action="store_true", help="ändra inget, visa rapporten")
        link.add_argument("--csv", help="skriv det som inte matchades till en CSV-fil")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "list":
                self.list(options)
            elif options["subcommand"] == "link-types":
                self.link_types(options)
            else:
                self.dispose(options["run"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def list(self, options: dict[str, Any]) -> None:
        try:
            on = datetime.date.fromisoformat(options["on"]) if options["on"] else None
        except ValueError as error:
            raise CommandError("Ange dagen som ÅÅÅÅ-MM-DD.") from error
        authorities = Authority.objects.order_by("code")
        if options["authority"]:
            authorities = authorities.filter(code=options["authority"])
            if not authorities.exists():
                raise CommandError(f"Ingen myndighet har koden {options['authority']}.")
        for authority in authorities:
            if options["dry_run"]:
                rows = list(due_documents(authority, on or timezone.localdate()))
                for document, rule, due, refused in rows:
                    why = f"  EJ: {refused}" if refused else ""
                    self.stdout.write(f"{document.document_number}\t{rule}\t{due:%Y-%m-%d}{why}")
                self.stdout.write(f"{authority.code}: {len(rows)} förfallna (torrkörning).")
                continue
            run = do_list_disposal(authority, on=on, actor=None)
            going = sum(1 for item in run.items.all() if item.goes)
            self.stdout.write(
                f"{authority.code}: lista {run.pk}, {going} att gallra, "
                f"{run.items.count() - going} med hinder; väntar på chefens granskning."
            )

    def dispose(self, run_id: int) -> None:
        run = DisposalRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"Det finns ingen gallringslista {run_id}.")
        run = do_dispose(run, actor=None, progress=self.progress)
        self.stdout.write("")
        disposed = run.items.filter(disposed_at__isnull=False).count()
        number = run.report.document_number if run.report else "–"
        self.stdout.write(f"Gallrat: {disposed} handlingar. Gallringsprotokoll: {number}.")

    def link_types(self, options: dict[str, Any]) -> None:
        report = do_link_types(dry_run=options["dry_run"])
        dry = " (torrkörning: inget ändrat)" if options["dry_run"] else ""
        self.stdout.write(
            f"Handlingstyper: {report.linked} handlingar kopplade till planens typ, "
            f"{report.unmatched_documents} utan matchning ({len(report.unmatched)} typer){dry}."
        )
        if report.unmatched:
            self.stdout.write("Myndighet\tHandlingstyp\tAntal\tExempel")
        for row in report.unmatched:
            examples = ", ".join(row.examples)
            self.stdout.write(f"{row.authority}\t{row.text}\t{row.count}\t{examples}")
        if options["csv"]:
            Path(options["csv"]).write_bytes(report.csv())
            self.stdout.write(f"Rapporten sparades i {options['csv']}.")

    def progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()
