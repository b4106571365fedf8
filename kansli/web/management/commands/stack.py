"""`kansli stack up DIR`: the production stack on one machine (kansli.web.stack), until
Ctrl-C."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansli.sso import testing as idp
from kansli.web.stack import AUTHORITY, DEFAULT_DATABASE_URL, Ports, StackError, running_stack


def port_pair(value: str) -> tuple[int, int]:
    first, _, second = value.partition(",")
    return int(first), int(second)


class Command(BaseCommand):
    help = (
        "Starta hela produktionsstacken på 127.0.0.1 (PostgreSQL, SeaweedFS, Redis, "
        "LemonLDAP::NG, nginx med TLS, två webbinstanser, två arbetare) i en ny mapp; "
        "Ctrl-C stoppar allt."
    )
    requires_system_checks: list[str] = []  # this process only starts the others

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["up"])
        parser.add_argument("directory", type=Path, help="En ny eller tom mapp för stacken.")
        parser.add_argument("--port", type=int, default=8443, help="nginx, HTTPS.")
        parser.add_argument("--http-port", type=int, default=8080, help="nginx, HTTP.")
        parser.add_argument("--web-ports", type=port_pair, default=(8001, 8002),
                            help="De två `kansli serve`, t.ex. 8001,8002.")  # fmt: skip
        parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                            help="En databas som inte finns än; skapas och tas bort.")  # fmt: skip
        parser.add_argument("--scale", type=float, default=0.1, help="Demokommunens storlek.")

    def handle(self, *args: Any, directory: Path, port: int, http_port: int,
               web_ports: tuple[int, int], database_url: str, scale: float,
               **options: Any) -> None:  # fmt: skip
        ports = Ports(https=port, http=http_port, web=web_ports)
        try:
            with running_stack(directory, ports=ports, database_url=database_url,
                               scale=scale, say=self._say) as stack:  # fmt: skip
                self.stdout.write("")
                self.stdout.write(self.style.SUCCESS(f"Kansli: {stack.url}/ (Ctrl-C stoppar allt)"))
                self.stdout.write("Certifikatet är självsignerat: godkänn det i webbläsaren.")
                self.stdout.write(
                    "Kommunens inloggning (LemonLDAP::NG, lösenordet är användarnamnet): "
                    f"{idp.MFA_USER}, registrator {AUTHORITY}, "
                    f"med engångskoden {idp.SECOND_FACTOR_CODE} hos identitetsleverantören."
                )
                for line in stack.logins:
                    self.stdout.write(line)
                self.stdout.write(f"Loggar: {stack.directory / 'logs'}")
                self.stdout.flush()
                while (stopped := stack.stopped()) is None:
                    time.sleep(1)
                raise CommandError(f"{stopped} stannade:\n{stack.log(stopped)}")
        except StackError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            self.stdout.write("Stoppat.")

    def _say(self, step: str) -> None:
        self.stdout.write(f"· {step}")
        self.stdout.flush()
