"""Stopping a server a test or a benchmark started (dovecot, Redis, SeaweedFS, the
identity provider): asked to stop as at a shutdown, killed if it does not."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; returns when it has exited."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
