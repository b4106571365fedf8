from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from kansli.demo.loaders import LOADERS
from kansli.org.demo import PASSWORD


class Command(BaseCommand):
    help = "Migrate, load the demo municipality (Exempelstads kommun), print logins, serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--no-serve", action="store_true", help="Load and exit.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Volume of cases (1.0: two years' worth)."
        )

    def handle(
        self, *args: Any, seed: int, no_serve: bool, port: int, scale: float, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = []
        with transaction.atomic():
            for load in LOADERS:
                logins.extend(load(seed, scale, self.stdout.write))
        self.stdout.write("")
        self.stdout.write(f"Inloggningar (lösenord för alla: {PASSWORD}):")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.name}: {login.roles}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", port=port)
