"""`kansli serve` with two workers: /metrics adds up what both counted
(prometheus_client's multiprocess mode, in the instance's folder, which serve empties
of earlier processes' counts first), and with KANSLI_LOG_FORMAT=json every line
of the output, gunicorn's access log included, is a JSON object that carries the
request's id and no client address."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from kansli.web.testing_installation import installation

PORTS = range(21000, 21100)
REQUESTS = "kansli_http_requests_total"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 21000-21099")


def _get(url: str, timeout: float = 10) -> tuple[int, str, bytes]:
    """The status, the X-Request-ID and the body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback
            return answer.status, answer.headers.get("X-Request-ID", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Request-ID", ""), error.read()


def _requests(text: str) -> dict[tuple[str, str], float]:
    return {
        (sample.labels["method"], sample.labels["status"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == REQUESTS
    }


def test_two_workers_add_up_and_log_json(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with installation(tmp_path / "data") as place:
        env = place.env | {"KANSLI_LOG_FORMAT": "json"}
        instance = f"127.0.0.1-{port}"
        metrics_dir = tmp_path / "data" / "metrics" / instance
        metrics_dir.mkdir(parents=True)
        stale = MmapedDict(str(metrics_dir / "counter_4242.db"))  # of a process gone
        key = mmap_key("kansli_http_requests", REQUESTS, ["method", "status"], ["GET", "2xx"], "")
        stale.write_value(key, 1000.0, 0)
        stale.close()
        place.migrate()
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "kansli", "serve", f"--bind=127.0.0.1:{port}",
                 "--workers=2", "--control-socket=none"],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip
            try:
                answered = _exercise(base)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
        counted, request_ids = answered
        assert not (metrics_dir / "counter_4242.db").exists()  # emptied by serve
        pids = {path.name for path in metrics_dir.glob("counter_*.db")}
        assert len(pids) == 2, pids  # both workers counted

        # Added up: every request so far, whichever worker answered it.
        assert counted[("GET", "2xx")] == 1 + 1 + 20 + 2
        assert counted[("GET", "4xx")] == 3

        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        access = [line for line in lines if line["logger"] == "gunicorn.access"]
        assert len(access) == 1 + 1 + 20 + 3 + 3
        assert {line.get("request_id") for line in access} >= request_ids
        assert not any("127.0.0.1" in line["message"] for line in access)
        not_found = [line for line in lines if line["logger"] == "django.request"]
        assert {line["request_id"] for line in not_found} == request_ids
        assert any(line["logger"] == "gunicorn.error" for line in lines)


def _exercise(base: str) -> tuple[dict[tuple[str, str], float], set[str]]:
    for _ in range(300):  # one answer: the server is up (a worker may take a while)
        try:
            assert _get(f"{base}/health/live", timeout=120)[0] == 200
            break
        except OSError:
            time.sleep(0.1)
    # A request begun and not finished holds the worker that took it, so the next 20 go
    # to the other one; then the first is finished.
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as held:
        held.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.5)
        for _ in range(20):
            assert _get(f"{base}/health/live")[0] == 200
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
    request_ids = set()
    for _ in range(3):
        status, request_id, _body = _get(f"{base}/finns-inte/")
        assert status == 404
        request_ids.add(request_id)
    scrapes = [_requests(_get(f"{base}/metrics")[2].decode()) for _ in range(3)]
    # Each scrape is counted after it has answered: the next one sees it.
    assert [scrape[("GET", "2xx")] for scrape in scrapes] == [22, 23, 24]
    return scrapes[-1], request_ids
