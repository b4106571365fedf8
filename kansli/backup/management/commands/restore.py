"""`kansli restore DIR`: bring a backup into a new installation and verify it
(kansli.backup.restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansli.backup.restore import check_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Läs in en säkerhetskopia från `kansli backup` i en ny installation och "
        "kontrollera den (kontrollsummor, granskningskedjan, filerna)."
    )
    requires_system_checks: list[str] = []  # a new installation may not be migrated yet

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="Mappen med säkerhetskopian.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Kontrollera bara kopians kontrollsummor; läs inte in något.",
        )

    def handle(self, *args: Any, folder: Path, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = check_backup(folder)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Säkerhetskopian från {manifest['created']} är hel: "
                        f"{manifest['files']} filer, granskningskedjan till händelse "
                        f"{manifest['audit_head']['seq']}."
                    )
                )
                return
            restored = restore_backup(folder)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        forgotten = (
            f", varav {restored.forgotten} med glömda uppgifter" if restored.forgotten else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Återläst: {restored.files} filer; granskningskedjan är hel med "
                f"{restored.audit_events} händelser{forgotten}."
            )
        )
        if restored.waiting_tasks:
            self.stdout.write(
                f"{restored.waiting_tasks} bakgrundsuppgifter från kopians ögonblick väntar i "
                "kön och körs när kansli worker startar; e-post bland dem kan ha skickats "
                "redan före återläsningen."
            )
        if restored.secret_key_from_environment:
            self.stdout.write(
                "Kopian togs med KANSLI_SECRET_KEY (eller KANSLI_SECRET_KEY_FILE) som inte "
                "finns i kopian: sätt samma nyckel här, annars går inloggningar, signerade "
                "länkar och granskningsloggens nyckelsummor förlorade."
            )
