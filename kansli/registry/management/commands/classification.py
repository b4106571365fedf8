from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansli.org.models import Authority
from kansli.registry.actions import do_load_classification_scheme
from kansli.registry.scheme import parse_scheme


class Command(BaseCommand):
    help = "Load an authority's classification scheme from CSV (kod;rubrik)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        load = commands.add_parser("load", help="Load or update a scheme.")
        load.add_argument("authority", help="The authority's code, e.g. KS.")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, authority: str, file: Path, **options: Any) -> None:
        found = Authority.objects.filter(code=authority.upper()).first()
        if found is None:
            raise CommandError(f"Myndigheten {authority} finns inte.", returncode=2)
        try:
            rows = parse_scheme(file.read_text(encoding="utf-8-sig"))
            added = do_load_classification_scheme(found, rows, actor=None)
        except OSError as exc:
            raise CommandError(f"Filen kan inte läsas: {exc}", returncode=2) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages), returncode=2) from exc
        self.stdout.write(f"{found.code}: {len(rows)} koder, {added} nya.")
