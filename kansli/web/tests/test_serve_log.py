"""`kansli serve` logs each request without the client's address or browser, and without
the token of a link that carries one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from kansli.subprocesses import free_port


def test_the_access_log_holds_no_address_or_user_agent(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = os.environ | {"KANSLI_DATA_DIR": str(tmp_path)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kansli", "serve", f"--port={port}", "--workers=1"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/finns-inte/?SAMLRequest=NameID-anna",
                headers={"User-Agent": "Fingeravtryck/1.0", "X-Forwarded-For": "203.0.113.7"},
            )
            for _ in range(100):
                try:
                    urllib.request.urlopen(request, timeout=5)  # noqa: S310 - loopback
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
            # A delivery link's token opens the documents released to one requester.
            link = f"http://127.0.0.1:{port}/begaran/hamta/Hemlig-Token_123/"
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(link, timeout=5)
            time.sleep(0.3)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    text = log.read_text()
    assert '"GET /finns-inte/ HTTP/1.1" 404' in text
    assert '"GET /begaran/hamta/[dold]/ HTTP/1.1" 404' in text
    for trace in ("127.0.0.1 -", "Fingeravtryck", "203.0.113.7", "NameID-anna", "Hemlig-Token"):
        assert trace not in text
