"""`kansli backup DIR`: copy the database, the files and the keys into DIR
(kansli.backup.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansli.backup.backup import make_backup


class Command(BaseCommand):
    help = (
        "Säkerhetskopiera databasen, filerna och nycklarna till en mapp medan "
        "Kansli används. En mapp med en tidigare kopia fylls bara på med nya filer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="Mappen kopian skrivs till.")

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            made = make_backup(folder)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Säkerhetskopia i {made.folder}: {made.files} filer ({made.copied} nya, "
                f"{made.bytes / 1e6:,.1f} MB), granskningskedjan till händelse {made.audit_seq}."
            )
        )
