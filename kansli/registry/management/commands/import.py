"""`kansli import registry FILE.csv`: cases and documents from an earlier registry system
(the columns are described in kansli.registry.importer and in `kansli import registry -h`).

Refused rows are reported on standard error with their line numbers, a progress bar is
drawn there when it is a terminal, and the summary line goes to standard output. Exit
status 0 when every row was loaded or already there, 1 when a row was refused, 2 when
the file cannot be read at all. With --bulk the rows load a batch at a time
(kansli.registry.bulk)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from kansli.org.models import User
from kansli.registry import bulk, importer, legacy_csv


class Progress:
    """A one-line bar on standard error, redrawn when it moves a whole per cent, and
    drawn only on a terminal (a log file gets the refused rows and nothing else)."""

    WIDTH = 30

    def __init__(self, stream: OutputWrapper, total: int) -> None:
        self.stream, self.total, self.shown = stream, total, -1
        self.on = stream.isatty() and total > 0

    def update(self, done: int) -> None:
        percent = done * 100 // self.total if self.total else 100
        if not self.on or percent == self.shown:
            return
        self.shown = percent
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"\r[{bar}] {percent:3d} % {done}/{self.total} rader"
        self.stream.write(line, style_func=_as_is, ending="")
        self.stream.flush()

    def say(self, text: str) -> None:
        """A line of its own above the bar."""
        if self.on:
            self.stream.write("\r\033[K", style_func=_as_is, ending="")
            self.shown = -1
        self.stream.write(text)

    def close(self) -> None:
        if self.on:
            self.stream.write("", style_func=_as_is)


def _as_is(text: str) -> str:
    """No colour for the bar (Django colours standard error on a terminal)."""
    return text


class Command(BaseCommand):
    help = "Importera från ett tidigare system: registry FILE.csv (ärenden och handlingar)."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True, title="vad")
        registry = what.add_parser(
            "registry",
            help="Ärenden och handlingar från en CSV-export (kolumnerna: -h).",
            description=importer.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        registry.add_argument("file", metavar="FILE.csv", type=Path)
        registry.add_argument(
            "--user",
            metavar="USERNAME",
            help="Importera som denna registrator (behörighet och granskningslogg); "
            "utan: systemet.",
        )
        registry.add_argument(
            "--bulk",
            action="store_true",
            help=f"Läs in i satser om {bulk.BATCH} rader, på PostgreSQL med COPY: en "
            "avvisad rad avvisar hela sin sats.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _user(options["user"]) if options["user"] else None
        try:
            sheet = legacy_csv.read_csv(options["file"].read_bytes())
        except OSError as exc:
            raise CommandError(f"Filen kan inte läsas: {exc}", returncode=2) from exc
        except legacy_csv.FileRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if sheet.ignored:
            self.stderr.write(f"Okända kolumner hoppas över: {', '.join(sheet.ignored)}.")
        progress = Progress(self.stderr, len(sheet.rows))
        run: importer.Importer | bulk.BulkImporter
        if options["bulk"]:
            run = bulk.BulkImporter(actor)
            for done, messages in run.load(sheet.rows):
                for message in messages:
                    progress.say(message)
                progress.update(done)
        else:
            run = importer.Importer(actor)
            for done, (row, refused) in enumerate(run.load(sheet.rows), start=1):
                if refused:
                    progress.say(f"Rad {row.line} avvisad: {refused}")
                progress.update(done)
        progress.close()
        self.stdout.write(run.tally.summary())
        if run.tally.rejected:
            sys.exit(1)


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Ingen aktiv användare heter {username}.", returncode=2)
    return user
