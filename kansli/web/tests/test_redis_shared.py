"""Production on Redis (KANSLI_REDIS_URL, KANSLI_TASKS=rq) with several processes: two
real web servers (`kansli serve`) on one SQLite database and one Redis share the
sessions and the public e-diary's cache, and a task enqueued by one of them is run by
`kansli worker` on RQ."""

from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from kansli.subprocesses import free_port
from kansli.web.testing_installation import copy_migrated_sqlite
from kansli.web.testing_redis import RedisServer, running_redis

USERNAME, PASSWORD = "registrator", "secret-password-1"
NEW_SECONDS = 2  # how long a new registration may be left out of a kept public answer

# Run in `kansli shell` on the migrated database: a registrar of KS with an API key, and a
# case with one incoming document.
SETUP = """
import json
from kansli.org.actions import do_create_api_token
from kansli.org.testing import make_authority
from kansli.registry.testing import make_case, make_incoming, make_registrar
authority = make_authority()
registrar = make_registrar(authority, "registrator")
case = make_case("Medborgarförslag om fler parkbänkar", authority=authority)
document = make_incoming(case, description="Förslag från Anna Andersson")
_token, key = do_create_api_token(registrar, "Test", actor=None)
print(json.dumps({"key": key, "case": case.pk, "document": document.pk,
                  "path": f"/diarium/KS/{case.year}/{case.number}/"}))
"""


@dataclass
class Answer:
    status: int
    headers: Message
    body: str

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def http(
    port: int,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Answer:
    """One request to a server on 127.0.0.1, redirects not followed."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode())


@dataclass
class Installation:
    redis: RedisServer
    data_dir: Path
    env: dict[str, str]
    ports: tuple[int, int]
    made: dict[str, Any]

    def api(
        self, port: int, path: str, data: bytes, content_type: str, method: str | None = None
    ) -> Answer:
        headers = {"Authorization": f"Bearer {self.made['key']}", "Content-Type": content_type}
        return http(port, f"/api/v1{path}", data=data, headers=headers, method=method)

    def database(self) -> sqlite3.Connection:
        uri = f"file:{self.data_dir / 'kansli.sqlite3'}?mode=ro"
        return sqlite3.connect(uri, uri=True)


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "kansli", "serve", f"--port={port}", "--workers=1"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )  # fmt: skip


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if http(port, "/login/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"kansli serve did not answer: {log.read_text()}")


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    data_dir = tmp_path_factory.mktemp("shared")
    with running_redis() as redis:
        env = {k: v for k, v in os.environ.items() if k != "KANSLI_DATABASE_URL"} | {
            "KANSLI_DATA_DIR": str(data_dir),  # SQLite, shared by every process
            "KANSLI_REDIS_URL": redis.url,
            "KANSLI_TASKS": "rq",
            "KANSLI_REQUIRE_TWO_FACTOR": "false",
            "KANSLI_PUBLIC_REQUESTS_PER_MINUTE": "0",  # only the pages write to Redis
            "KANSLI_PUBLIC_NEW_SECONDS": str(NEW_SECONDS),
            "KANSLI_ALLOWED_HOSTS": "127.0.0.1,kansli.example.se",
        }
        ports = (free_port(), free_port())
        logs = [data_dir / f"serve-{port}.log" for port in ports]
        copy_migrated_sqlite(data_dir)
        servers = [_serve(port, env, log) for port, log in zip(ports, logs, strict=True)]
        try:
            setup = subprocess.run(
                [sys.executable, "-m", "kansli", "shell", "-c", SETUP],
                env=env, capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            assert setup.returncode == 0, setup.stderr
            made = json.loads(setup.stdout.strip().splitlines()[-1])
            for port, server, log in zip(ports, servers, logs, strict=True):
                _wait_until_serving(port, server, log)
            yield Installation(redis, data_dir, env, ports, made)
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
            for server in servers:
                server.wait(timeout=20)


def _sign_in(port: int) -> str:
    """Sign in through the login page; the session cookie's value."""
    form = http(port, "/login/")
    csrf = form.cookies()["csrftoken"]
    token = form.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    fields = {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}
    answer = http(
        port, "/login/", cookies={"csrftoken": csrf},
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert answer.status == 302, answer.body
    return answer.cookies()["sessionid"]


def _page_keys(redis: RedisServer) -> set[str]:
    """The kept answers (not the pages' generation, kansli.public.pagecache)."""
    return set(redis.keys("kansli-public-pages:*")) - set(redis.keys("*:generation"))


def _calls(redis: RedisServer, command: str) -> int:
    stats = redis.client().info("commandstats").get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0))


def test_a_session_begun_on_one_web_process_is_good_on_the_other(
    installation: Installation,
) -> None:
    first, second = installation.ports
    assert http(second, "/").status == 302  # not signed in: to the login page
    session = _sign_in(first)
    assert http(second, "/", cookies={"sessionid": session}).status == 200
    assert http(first, "/", cookies={"sessionid": session}).status == 200

    installation.redis.restart()  # empty: the sessions are kept in the database
    assert installation.redis.keys("*") == []
    assert http(second, "/", cookies={"sessionid": session}).status == 200
    assert installation.redis.keys("kansli:*django.contrib.sessions*")


def _sign_out(port: int, session: str) -> Answer:
    """Press "Logga ut" on the start page."""
    page = http(port, "/", cookies={"sessionid": session})
    assert page.status == 200, page.body
    token = page.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    csrf = page.cookies()["csrftoken"]  # the token's secret, set with the page
    return http(
        port, "/logout/", cookies={"sessionid": session, "csrftoken": csrf},
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def test_with_redis_out_of_reach_nobody_is_signed_out_and_signing_out_waits_for_it(
    installation: Installation,
) -> None:
    first, second = installation.ports
    session = _sign_in(first)
    events = "SELECT count(*) FROM audit_auditevent WHERE action = 'web.log_out'"
    logouts = installation.database().execute(events).fetchone()[0]
    installation.redis.stop()
    try:
        for port in (first, second):  # read from the database alone
            assert http(port, "/", cookies={"sessionid": session}).status == 200
            assert http(port, installation.made["path"]).status == 200
        fresh = _sign_in(second)  # signing in works too
        assert http(first, "/", cookies={"sessionid": fresh}).status == 200

        refused = _sign_out(first, session)  # its copy in Redis cannot be deleted
        assert refused.status == 503
        assert "Du kunde inte loggas ut" in refused.body
        assert http(second, "/", cookies={"sessionid": session}).status == 200
        assert installation.database().execute(events).fetchone()[0] == logouts
    finally:
        installation.redis.start()
    assert _sign_out(first, session).status == 302
    for port in (first, second):
        assert http(port, "/", cookies={"sessionid": session}).status == 302  # to login
    assert installation.database().execute(events).fetchone()[0] == logouts + 1


def test_the_public_diary_cached_by_one_web_process_is_served_by_the_other(
    installation: Installation,
) -> None:
    first, second = installation.ports
    path = installation.made["path"]
    # Both behind one proxy: the same Host (the cache's key holds it, with any port).
    proxied = {"Host": "kansli.example.se"}
    before = _page_keys(installation.redis)
    page = http(first, path, headers=proxied)
    assert page.status == 200
    assert "Förslag från Anna Andersson" in page.body
    kept = _page_keys(installation.redis) - before
    assert len(kept) == 1  # the first process kept its answer in Redis

    redis = installation.redis
    sets, gets, mgets = _calls(redis, "set"), _calls(redis, "get"), _calls(redis, "mget")
    again = http(second, path, headers=proxied)
    assert again.body == page.body
    assert _calls(redis, "mget") == mgets + 1  # the generation's two tokens and the
    assert _calls(redis, "get") == gets  # answer in one round trip to Redis ...
    assert _calls(redis, "set") == sets  # ... not computed and kept anew

    # A change made through one process is shown by both at once.
    changed_title = installation.api(
        second, f"/cases/{installation.made['case']}",
        json.dumps({"title": "Medborgarförslag om fler sittplatser"}).encode(),
        "application/json", method="PATCH",
    )  # fmt: skip
    assert changed_title.status == 200, changed_title.body
    sets = _calls(redis, "set")
    for port in (first, second, first):
        changed = http(port, path, headers=proxied)
        assert changed.status == 200
        assert "fler sittplatser" in changed.body
    # The new answer, kept once, in the old one's place.
    assert _page_keys(redis) - before == kept
    assert _calls(redis, "set") == sets + 1

    # A new registration, by both within KANSLI_PUBLIC_NEW_SECONDS of its commit.
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    document = {"direction": "utgaende", "document_date": yesterday.isoformat(),
                "description": "Svar till förslagsställaren"}  # fmt: skip
    registered = installation.api(
        second, f"/cases/{installation.made['case']}/documents",
        json.dumps(document).encode(), "application/json",
    )  # fmt: skip
    assert registered.status == 201, registered.body
    committed = time.monotonic()
    for port in (first, second):
        while "Svar till förslagsställaren" not in http(port, path, headers=proxied).body:
            assert time.monotonic() - committed < NEW_SECONDS, port
            time.sleep(0.1)


def test_a_task_enqueued_by_a_web_process_is_run_by_the_rq_worker(
    installation: Installation,
) -> None:
    text = "Protokollet nämner vindskyddet vid Storåsen.\n".encode()
    boundary = "kansli-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="anteckning.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + text
        + f"\r\n--{boundary}--\r\n".encode()
    )
    uploaded = installation.api(
        installation.ports[0], f"/documents/{installation.made['document']}/files",
        body, f"multipart/form-data; boundary={boundary}",
    )  # fmt: skip
    assert uploaded.status == 201, uploaded.body
    sha256 = json.loads(uploaded.body)["sha256"]
    query = "SELECT extraction, text FROM files_storedfile WHERE sha256 = ?"
    with installation.database() as database:
        assert database.execute(query, (sha256,)).fetchone() == ("pending", "")
    assert installation.redis.client().llen("rq:queue:default") == 1

    worker = subprocess.run(
        [sys.executable, "-m", "kansli", "worker", "--batch"],
        env=installation.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr

    with installation.database() as database:
        assert database.execute(query, (sha256,)).fetchone() == ("done", text.decode())
    assert installation.redis.client().llen("rq:queue:default") == 0
