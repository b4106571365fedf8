"""`kansli intake imap`: read the functional mailboxes into the registrars' inbox."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kansli.mailbox.intake import IntakeError, take_in
from kansli.mailbox.models import Mailbox
from kansli.web import checklist


class Command(BaseCommand):
    help = "Inläsning av inkommande post (imap)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, title="kommandon")
        imap = subcommands.add_parser(
            "imap",
            help="Läs funktionsbrevlådorna över IMAP med TLS in i registratorernas inkorg.",
        )
        imap.add_argument(
            "--once", action="store_true",
            help="Läs en gång och avsluta (slutstatus 1 om en brevlåda inte kunde läsas).",
        )  # fmt: skip
        imap.add_argument(
            "--interval", type=int, default=60, help="Sekunder mellan varven (standard 60)."
        )
        imap.add_argument(
            "--plaintext-localhost", action="store_true",
            help="Utan TLS, bara till en server på 127.0.0.1 (för utveckling).",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        checklist.refuse_in_production()
        while True:
            failed = self.one_pass(options["plaintext_localhost"])
            if options["once"]:
                sys.exit(1 if failed else 0)
            time.sleep(max(1, options["interval"]))

    def one_pass(self, plaintext: bool) -> bool:
        """Every active mailbox once; whether any could not be read."""
        failed = False
        for mailbox in Mailbox.objects.filter(active=True).select_related("authority"):
            try:
                counts = take_in(mailbox, plaintext=plaintext)
            except IntakeError as error:
                self.stderr.write(str(error))
                failed = True
                continue
            if counts.inbox or counts.quarantined:
                self.stdout.write(
                    f"{mailbox}: {counts.inbox} till inkorgen för {mailbox.authority.code}, "
                    f"{counts.quarantined} i karantän."
                )
        return failed
