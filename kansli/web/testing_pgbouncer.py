"""A real PgBouncer for the tests: Debian's pgbouncer on 127.0.0.1, a free port, in
transaction mode in front of the PostgreSQL a URL names, with a small pool, so that
clients take turns on few server connections as behind a production pooler. Its
configuration, user list and log are in a temporary directory; no system
configuration, no Unix socket."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from kansli.subprocesses import free_port, stop, wait_for_port

PGBOUNCER = "/usr/sbin/pgbouncer"
# PgBouncer refuses to run as root (a CI container's user): then it runs as nobody.
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

CONFIGURATION = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
pool_mode = transaction
default_pool_size = {pool_size}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 200
auth_type = scram-sha-256
auth_file = {directory}/userlist.txt
admin_users = {user}
logfile = {directory}/pgbouncer.log
"""


class PgBouncer:
    """One pgbouncer process (started by `running_pgbouncer`) in front of the server
    `server_url` names; `url(name)`: the URL of database `name` through it."""

    def __init__(self, server_url: str, port: int, pool_size: int, directory: Path) -> None:
        parts = urlsplit(server_url)
        self.parts = parts
        self.port = port
        self.pool_size = pool_size
        self.directory = directory
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        # The user list serves both sides: PgBouncer checks the client's password
        # against it and logs in to PostgreSQL with it.
        (directory / "userlist.txt").write_text(f'"{user}" "{password}"\n')
        (directory / "pgbouncer.ini").write_text(
            CONFIGURATION.format(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 5432,
                listen_port=port,
                pool_size=pool_size,
                directory=directory,
                user=user,
            )
        )
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: str) -> str:
        """The URL of `database` on the server, through this PgBouncer."""
        userinfo = self.parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@127.0.0.1:{self.port}"
        return urlunsplit(self.parts._replace(netloc=netloc, path=f"/{database}"))

    def log(self) -> str:
        log = self.directory / "pgbouncer.log"
        return log.read_text() if log.exists() else ""

    def start(self) -> None:
        as_root = os.geteuid() == 0
        if as_root:
            for path in (self.directory, *self.directory.iterdir()):
                shutil.chown(path, "nobody", "nogroup")
        self.process = subprocess.Popen(
            [*(AS_NOBODY if as_root else []), PGBOUNCER, str(self.directory / "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.process, self.port, "pgbouncer", self.log)

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process)
        self.process = None


@contextmanager
def running_pgbouncer(server_url: str, pool_size: int = 2) -> Iterator[PgBouncer]:
    """pgbouncer in transaction mode in front of the server of `server_url` (a
    postgresql:// URL with user and password), `pool_size` server connections per
    database and user; stopped and its files removed afterwards."""
    if not shutil.which(PGBOUNCER):
        raise RuntimeError(f"{PGBOUNCER} is not installed (Debian's pgbouncer)")
    directory = Path(tempfile.mkdtemp(prefix="kansli-pgbouncer-"))
    bouncer = PgBouncer(server_url, free_port(), pool_size, directory)
    try:
        bouncer.start()
        yield bouncer
    finally:
        bouncer.stop()
        shutil.rmtree(directory, ignore_errors=True)
