"""Shared set-up for the benchmarks: a database of their own, Django, migrations, and
a stopwatch.

By default a benchmark runs on SQLite in a new temporary data directory (removed at
exit unless asked to keep it), with the installation's settings (WAL, BEGIN
IMMEDIATE). With KANSLI_DATABASE_URL set it runs on that database instead: point it at
a scratch database, since audit events written there cannot be deleted."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setup:
    """Where a benchmark runs: its data directory and a description of the database."""

    data_dir: Path
    database: str


def setup(*, keep: bool = False) -> Setup:
    """Point Kansli at a fresh temporary data directory, start Django and migrate.
    Must run before anything imports Django models."""
    data_dir = Path(tempfile.mkdtemp(prefix="kansli-bench-"))
    if not keep:
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["KANSLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return Setup(data_dir=data_dir, database=describe())


def describe() -> str:
    """Which database the benchmark runs on, for its report."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite (WAL, BEGIN IMMEDIATE) in {connection.settings_dict['NAME']}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    name = connection.settings_dict["NAME"]
    host = connection.settings_dict["HOST"]
    return f"PostgreSQL {version}, database {name} on {host}"


def rate(count: int, run: Callable[[int], None]) -> tuple[float, float]:
    """Call run(0) ... run(count - 1); returns (seconds, calls per second)."""
    started = time.perf_counter()
    for n in range(count):
        run(n)
    seconds = time.perf_counter() - started
    return seconds, count / seconds


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def row(label: str, value: str, width: int = 46) -> None:
    """One line of a report: label on the left, figure on the right."""
    print(f"  {label:<{width}} {value:>16}")
