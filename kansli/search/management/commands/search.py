"""`kansli search reindex|optimize|status`: look after the search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from kansli.search import index, schema

OPTIMIZE = "INSERT INTO {table} ({table}) VALUES ('optimize')"


class Command(BaseCommand):
    help = "Sökindexet: bygg om (reindex), optimera (optimize) eller visa (status)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, title="kommandon")
        subcommands.add_parser(
            "reindex", help="Indexera alla ärenden och handlingar på nytt (efter en import)."
        )
        subcommands.add_parser(
            "optimize",
            help="Slå ihop indexets delar (SQLite FTS5) och uppdatera statistiken; "
            "kör gärna varje natt.",
        )
        subcommands.add_parser("status", help="Visa hur många rader indexet har.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, options["subcommand"])()

    def reindex(self) -> None:
        # One transaction per batch: a long rebuild does not hold the write lock for
        # its whole run, and registrations made meanwhile index themselves.
        batches = index.rebuild()
        while True:
            with transaction.atomic():
                done = next(batches, None)
            if done is None:
                break
            self.stdout.write(f"{done} ärenden indexerade")
        self.stdout.write(self.style.SUCCESS("Sökindexet är ombyggt."))

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # FTS5's own command: merge the index's segments into one b-tree.
                for table in schema.TABLES:
                    cursor.execute(OPTIMIZE.format(table=table))
                cursor.execute("PRAGMA optimize")
            else:
                # Every table: autovacuum never analyses a small one with few changes
                # (the authorities), and a plan made without its statistics can read a
                # whole municipality's documents for one rare word.
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Sökindexet är optimerat."))

    def status(self) -> None:
        for table, rows in index.counts().items():
            self.stdout.write(f"{table}: {rows} rader")
