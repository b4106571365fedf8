"""A real Redis for the tests: Debian's redis-server on 127.0.0.1, a free port, no
persistence (no RDB snapshot, no append-only file), its working directory a temporary
one and no system configuration. `restart()` stops it and starts an empty one on the
same port, as a Redis restarted without persistence comes back."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis

from kansli.subprocesses import free_port, stop

REDIS_SERVER = "/usr/bin/redis-server"


class RedisServer:
    """One redis-server process (started by `running_redis`)."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
                "--logfile", str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.directory / "redis.log"
                raise RuntimeError(
                    f"redis-server stopped: {log.read_text() if log.exists() else ''}"
                )
            try:
                if self.client().ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process)
        self.process = None

    def restart(self) -> None:
        """Stopped and started again: empty, as without persistence."""
        self.stop()
        self.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=5, decode_responses=True)

    def keys(self, pattern: str = "*") -> list[str]:
        """The keys that match the pattern, sorted."""
        return sorted(str(key) for key in self.client().keys(pattern))


def redis_caches(url: str) -> dict[str, Any]:
    """The caches as settings.py makes them with KANSLI_REDIS_URL (for override_settings)."""
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    return {
        "default": shared | {"KEY_PREFIX": "kansli"},
        "public-pages": shared | {"KEY_PREFIX": "kansli-public-pages"},
    }


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """redis-server started in a temporary directory; stopped and its files removed
    afterwards."""
    if not shutil.which(REDIS_SERVER):
        raise RuntimeError(f"{REDIS_SERVER} is not installed (Debian's redis-server)")
    directory = Path(tempfile.mkdtemp(prefix="kansli-redis-"))
    server = RedisServer(free_port(), directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
