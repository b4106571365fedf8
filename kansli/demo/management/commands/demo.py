from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from kansli.demo.loaders import LOADERS
from kansli.org.demo import PASSWORD
from kansli.web import demo as web_demo


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
            line = f"  {login.username:<{width}}  {login.name}: {login.roles}"
            if web_demo.uses_demo_key(login.username):
                line += f"; engångskod med nyckeln {web_demo.SECRET}"
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            "Den som kan läsa sekretessmarkerade handlingar loggar in med en engångskod"
            " (tvåstegsverifiering): lägg in nyckeln i en autentiseringsapp (TOTP, 6 siffror,"
            f" 30 sekunder), eller öppna {web_demo.URI} på telefonen."
        )
        self.stdout.write("")
        if not no_serve:
            call_command("serve", port=port)
