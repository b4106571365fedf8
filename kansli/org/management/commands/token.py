"""`kansli token create|revoke|list`: API keys for programs that call /api/v1/."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kansli.org.actions import do_create_api_token, do_revoke_api_token
from kansli.org.models import ApiToken, User


class Command(BaseCommand):
    help = "API-nycklar: skapa (nyckeln visas en gång), återkalla och lista."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, title="kommandon")
        create = commands.add_parser(
            "create", help="Skapa en nyckel åt USERNAME och skriv ut den (bara nu)."
        )
        create.add_argument("username", metavar="USERNAME")
        create.add_argument("--name", required=True, help="Vad nyckeln används till.")
        create.add_argument(
            "--days", type=int, default=None,
            help="Hur många dagar nyckeln gäller (standard KANSLI_API_TOKEN_DAYS, 365).",
        )  # fmt: skip
        revoke = commands.add_parser("revoke", help="Återkalla nyckeln med id ID.")
        revoke.add_argument("token_id", metavar="ID", type=int)
        listing = commands.add_parser("list", help="Lista nycklarna (för USERNAME).")
        listing.add_argument("username", metavar="USERNAME", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["command"] == "create":
                self.create(options["username"], options["name"], options["days"])
            elif options["command"] == "revoke":
                self.revoke(options["token_id"])
            else:
                self.list_tokens(options["username"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc

    def create(self, username: str, name: str, days: int | None) -> None:
        """The key alone on standard output (for scripts), the advice on standard error."""
        token, key = do_create_api_token(_user(username), name, days=days, actor=None)
        self.stdout.write(key)
        self.stderr.write(
            f"Nyckel {token.pk} ({token.name}) skapad för {username}, giltig till "
            f"{_when(token.expires_at)}. Den visas bara nu: spara den säkert. Använd den "
            "som 'Authorization: Bearer <nyckel>'."
        )

    def revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"Ingen nyckel med id {token_id}.", returncode=2)
        do_revoke_api_token(token, actor=None)
        self.stdout.write(f"Nyckel {token.pk} ({token.name}, {token.user.username}) återkallad.")

    def list_tokens(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if username:
            tokens = tokens.filter(user=_user(username))
        for token in tokens:
            used = _when(token.last_used_at)
            if token.revoked_at:
                state = "återkallad"
            elif token.expires_at <= timezone.now():
                state = f"gick ut {_when(token.expires_at)}"
            else:
                state = f"giltig till {_when(token.expires_at)}"
            self.stdout.write(
                f"{token.pk}\t{token.user.username}\t{token.name}\t{state}\tsenast använd {used}"
            )


def _when(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "aldrig"


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Ingen användare heter {username}.", returncode=2)
    return user
