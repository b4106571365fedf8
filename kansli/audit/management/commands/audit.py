"""`kansli audit verify`: check the audit log's hash chain from the first event."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kansli.audit.chain import verify


class Command(BaseCommand):
    help = "Granskningsloggen: kontrollera händelsekedjan (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, title="kommandon")
        subcommands.add_parser(
            "verify",
            help="Kontrollera att händelsekedjan är hel. Slutstatus 1 om den är bruten.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()

    def verify(self) -> None:
        """Print the outcome; exit with status 1 at the first broken event."""
        result = verify()
        if result.ok:
            checked = "händelse kontrollerad" if result.checked == 1 else "händelser kontrollerade"
            forgotten = ""
            if result.forgotten:
                forgotten = f", varav {result.forgotten} med glömda uppgifter"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Granskningskedjan är hel: {result.checked} {checked}{forgotten}."
                )
            )
            return
        self.stderr.write(
            f"Granskningskedjan är bruten vid händelse {result.broken_seq}: {result.reason}."
        )
        sys.exit(1)
