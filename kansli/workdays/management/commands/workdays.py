"""`kansli workdays add|between|deadline`: working days and legal deadlines from the
command line, dates as ÅÅÅÅ-MM-DD."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kansli.workdays.calendar import add_workdays, legal_deadline, workdays_between
from kansli.workdays.closed import closed_days


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ogiltigt datum '{text}': ange ÅÅÅÅ-MM-DD", returncode=2) from None


def parse_number(text: str, *, minimum: int | None = None) -> int:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or (minimum is not None and number < minimum):
        wanted = "ett heltal" if minimum is None else f"ett heltal från {minimum}"
        raise CommandError(f"Ogiltigt antal '{text}': ange {wanted}", returncode=2)
    return number


class Command(BaseCommand):
    help = "Working days and the end of legal periods (Lag (1930:173))."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="The date N working days after DATE.")
        add.add_argument("date", metavar="DATE")
        add.add_argument("n", metavar="N", help="Working days; negative counts backwards.")
        between = commands.add_parser(
            "between", help="Working days after DATE1 up to and including DATE2."
        )
        between.add_argument("start", metavar="DATE1")
        between.add_argument("end", metavar="DATE2")
        deadline = commands.add_parser(
            "deadline", help="The last day of a legal period from DATE (Lag (1930:173))."
        )
        deadline.add_argument("date", metavar="DATE")
        period = deadline.add_mutually_exclusive_group(required=True)
        period.add_argument("--weeks", metavar="W")
        period.add_argument("--days", metavar="D")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.stdout.write(self.answer(options))
        except OverflowError:
            raise CommandError("Datumet hamnar utanför kalendern", returncode=2) from None
        except DatabaseError as exc:
            raise CommandError(f"Databasen kan inte läsas ({exc}): kör `kansli migrate`") from exc

    def answer(self, options: dict[str, Any]) -> str:
        if options["command"] == "add":
            day, n = parse_date(options["date"]), parse_number(options["n"])
            return add_workdays(day, n, closed_days()).isoformat()
        if options["command"] == "between":
            start, end = parse_date(options["start"]), parse_date(options["end"])
            return str(workdays_between(start, end, closed_days()))
        day = parse_date(options["date"])
        weeks, days = options["weeks"] or "0", options["days"] or "0"
        return legal_deadline(
            day, weeks=parse_number(weeks, minimum=0), days=parse_number(days, minimum=0)
        ).isoformat()
