"""A Kansli installation of its own for a test's subprocesses: a data directory and a
database made for it, SQLite in WAL mode in the data directory (the embedded default),
or, when the suite runs on PostgreSQL (KANSLI_DATABASE_URL), a new PostgreSQL database
beside the test database, dropped afterwards."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg


@dataclass
class Installation:
    env: dict[str, str]
    connect: Callable[[], Any]  # a DB-API connection to the installation's database

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
        yield Installation(env, lambda: sqlite3.connect(data_dir / "kansli.sqlite3", timeout=20))
        return
    name = f"kansli_scratch_{secrets.token_hex(4)}"
    own = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    # Made and dropped from the server's maintenance database: the one in the URL need
    # not exist (the suite runs in a test_ copy of it).
    server_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server_url, autocommit=True) as server:
        server.execute(f"CREATE DATABASE {name}")
    try:
        yield Installation({**env, "KANSLI_DATABASE_URL": own}, lambda: psycopg.connect(own))
    finally:
        with psycopg.connect(server_url, autocommit=True) as server:
            server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
