"""A Kansli installation of its own for a test's subprocesses: a data directory and a
database made for it, SQLite in WAL mode in the data directory (the embedded default),
or, when the suite runs on PostgreSQL (KANSLI_DATABASE_URL), a new PostgreSQL database
beside the test database, dropped afterwards.

A test that needs the installation migrated takes a copy of one migrated once per test
run (`Installation.migrate`, `copy_migrated_sqlite`): on SQLite `kansli migrate` spends
17 seconds in Django building the migrations' model states, and the suite migrated a
dozen installations. A copy holds what the migration left: no migration writes a key, an
identity or a time of its own. It is migrated with the suite's own settings: apps that
only an installation's variables add (django_rq with KANSLI_TASKS=rq) have no migration
rows in it, which their unmanaged models do not need."""

from __future__ import annotations

import atexit
import functools
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg


@dataclass
class Installation:
    env: dict[str, str]
    connect: Callable[[], Any]  # a DB-API connection to the installation's database
    migrate: Callable[[], None]  # the database as `kansli migrate` leaves it

    def count(self, sql: str) -> int:
        with closing(self.connect()) as db:
            cursor = db.cursor()
            cursor.execute(sql)
            return int(cursor.fetchone()[0])


@contextmanager
def installation(data_dir: Path) -> Iterator[Installation]:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KANSLI_DATA_DIR": str(data_dir), "KANSLI_DEBUG": "false",
           "KANSLI_SECRET_KEY": ""}  # fmt: skip
    url = os.environ.get("KANSLI_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env["KANSLI_DATABASE_URL"] = ""
        yield Installation(env, lambda: sqlite3.connect(data_dir / "kansli.sqlite3", timeout=20),
                           lambda: copy_migrated_sqlite(data_dir))  # fmt: skip
        return
    name = f"kansli_scratch_{secrets.token_hex(4)}"
    own = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    # Made and dropped from the server's maintenance database: the one in the URL need
    # not exist (the suite runs in a test_ copy of it).
    server_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute(f"CREATE DATABASE {name}")

    def migrate() -> None:
        with psycopg.connect(server_url, autocommit=True) as server:
            server.execute(f"DROP DATABASE {name} WITH (FORCE)")
            server.execute(f"CREATE DATABASE {name} TEMPLATE {_migrated_postgresql(server_url)}")

    try:
        yield Installation({**env, "KANSLI_DATABASE_URL": own}, lambda: psycopg.connect(own),
                           migrate)  # fmt: skip
    finally:
        _drop(server_url, name)


def copy_migrated_sqlite(data_dir: Path) -> None:
    """data_dir's SQLite database as `kansli migrate` leaves it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "kansli.sqlite3"
    for left in ("-wal", "-shm"):  # an earlier database's log would be read into the copy
        database.with_name(database.name + left).unlink(missing_ok=True)
    shutil.copyfile(_migrated_sqlite(), database)


@functools.cache
def _migrated_sqlite() -> Path:
    data_dir = Path(tempfile.mkdtemp(prefix="kansli-migrated-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    _migrate({"KANSLI_DATA_DIR": str(data_dir), "KANSLI_DATABASE_URL": ""})
    database = data_dir / "kansli.sqlite3"
    with closing(sqlite3.connect(database)) as db:  # everything in the file, none in its WAL
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@functools.cache
def _migrated_postgresql(server_url: str) -> str:
    """A database migrated once, the template of every installation's copy."""
    name = f"kansli_migrated_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute(f"CREATE DATABASE {name}")
    atexit.register(_drop_at_exit, server_url, name)
    data_dir = tempfile.mkdtemp(prefix="kansli-migrated-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    own = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    _migrate({"KANSLI_DATA_DIR": data_dir, "KANSLI_DATABASE_URL": own})
    return name


def _migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "kansli.cli", "migrate", "-v0"],
                   env={**os.environ, **env}, check=True, timeout=600)  # fmt: skip


def _drop(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _drop_at_exit(server_url: str, name: str) -> None:
    """The template, when the suite ends; a server already stopped has nothing to drop."""
    with suppress(psycopg.OperationalError):
        _drop(server_url, name)
