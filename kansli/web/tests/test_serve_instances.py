"""Several `kansli serve` on one machine, as deploy/systemd/kansli-web@.service runs them:
each listens where its KANSLI_BIND says and has gunicorn's control socket of its own, so
stopping one leaves the other controllable; and gunicorn believes X-Forwarded-Proto
from KANSLI_TRUSTED_PROXIES only, so Django sees HTTPS behind nginx and nobody else can
claim it."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gunicorn.ctl.client import ControlClient

from kansli.subprocesses import stop, wait_for_port
from kansli.web import bind
from kansli.web.testing_installation import installation

STARTUP_SECONDS = 60  # Django and gunicorn on a busy machine


@contextmanager
def _serving(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kansli", "serve", "--workers=1", *args],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        yield server
    finally:
        stop(server)


def _listeners(control_socket: Path) -> list[str]:
    with ControlClient(str(control_socket), timeout=5) as client:
        answer = client.send_command("show listeners")
    return [listener["address"] for listener in answer["listeners"]]


def _wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if path.exists():
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never appeared")


def test_each_instance_has_its_own_control_socket(tmp_path: Path) -> None:
    with installation(tmp_path / "data") as kansli:
        run = tmp_path / "data" / "run"
        first, second = run / "web-127.0.0.1-21100.ctl", run / "web-127.0.0.1-21101.ctl"
        env = kansli.env | {"KANSLI_BIND": "127.0.0.1:21100"}
        with _serving(env, tmp_path / "first.log") as one:
            wait_for_port(one, 21100, "first", (tmp_path / "first.log").read_text, STARTUP_SECONDS)
            # The other instance by --port on KANSLI_BIND's host, as `kansli demo` does.
            with _serving(env, tmp_path / "second.log", "--port=21101") as two:
                wait_for_port(
                    two, 21101, "second", (tmp_path / "second.log").read_text, STARTUP_SECONDS
                )
                _wait_for_file(first)
                _wait_for_file(second)
                assert _listeners(first) == ["http://127.0.0.1:21100"]
                assert _listeners(second) == ["http://127.0.0.1:21101"]
                stop(one)
                assert not first.exists()
                assert _listeners(second) == ["http://127.0.0.1:21101"]
        assert not second.exists()
        assert run.stat().st_mode & 0o777 == 0o700


def test_forwarded_https_is_believed_from_the_trusted_proxies_only(tmp_path: Path) -> None:
    with installation(tmp_path / "data") as kansli:
        hsts = {"KANSLI_HSTS_SECONDS": "600", "KANSLI_BIND": "127.0.0.1:21102"}
        for proxies, believed in (("127.0.0.1,::1", True), ("192.0.2.1", False)):
            env = kansli.env | hsts | {"KANSLI_TRUSTED_PROXIES": proxies}
            log = tmp_path / f"serve-{believed}.log"
            with _serving(env, log, "--control-socket=none") as server:
                wait_for_port(server, 21102, "serve", log.read_text, STARTUP_SECONDS)
                https = _hsts(21102, {"X-Forwarded-Proto": "https"})
                plain = _hsts(21102, {})
            # Django's SecurityMiddleware sends HSTS on answers over HTTPS only.
            assert (https, plain) == (("max-age=600" if believed else None), None), log.read_text()
        assert not (tmp_path / "data" / "run").exists()  # no control socket was made


def _hsts(port: int, headers: dict[str, str]) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=STARTUP_SECONDS)
    try:
        connection.request("GET", "/finns-inte/", headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 404
        return response.getheader("Strict-Transport-Security")
    finally:
        connection.close()


def test_serve_listens_on_a_unix_socket_for_nginx_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "web-1.sock"
    control = tmp_path / "data" / "run" / f"web-{bind.parse(f'unix:{path}').slug()}.ctl"
    with installation(tmp_path / "data") as kansli:
        env = kansli.env | {"KANSLI_BIND": f"unix:{path}"}
        with _serving(env, tmp_path / "serve.log") as server:
            _wait_for_file(path)
            _wait_for_file(control)
            assert _listeners(control) == [f"unix:{path}"]
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(STARTUP_SECONDS)
                client.connect(str(path))
                client.sendall(b"GET /finns-inte/ HTTP/1.0\r\nHost: localhost\r\n\r\n")
                answer = client.recv(100)
            assert server.poll() is None
        assert answer.startswith(b"HTTP/1.0 404"), (tmp_path / "serve.log").read_text()
        assert not control.exists()
