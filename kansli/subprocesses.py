"""Servers a test or a benchmark starts (dovecot, Redis, SeaweedFS, PgBouncer, the
identity provider): a free port on 127.0.0.1 for one, waiting until it answers on it,
and stopping it, asked as at a shutdown and killed if it does not."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the kernel's choice)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    process: subprocess.Popen[Any],
    port: int,
    name: str,
    log: Callable[[], str],
    seconds: float = 15,
) -> None:
    """Return once 127.0.0.1:`port` takes a connection; raise, with `log()`, if the
    process exits first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped: {log()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{name} did not start")


def stop(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; returns when it has exited."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
