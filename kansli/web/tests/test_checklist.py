"""The production checklist (kansli.web.checklist), run as an operator runs it: `kansli
check --deploy`, `kansli serve` and `kansli worker` in a process of their own, with the
environment of an installation. A correct production environment passes; each problem
is refused with its own message naming the variable to set, and all of them at once."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from kansli.web import checklist
from kansli.web.checklist import EX_CONFIG

# A production environment the checklist accepts. Nothing is connected to by these
# commands before they refuse or, for `check`, at all: the database and Redis need not
# exist.
PRODUCTION = {
    "KANSLI_PRODUCTION": "true",
    "KANSLI_DEBUG": "false",
    "KANSLI_SECRET_KEY": secrets.token_urlsafe(40),
    "KANSLI_SECURE_COOKIES": "true",
    "KANSLI_HSTS_SECONDS": "31536000",
    "KANSLI_DATABASE_URL": "postgresql://kansli:hemligt@db.exempel.se:5432/kansli",
    "KANSLI_ALLOWED_HOSTS": "kansli.exempel.se",
    "KANSLI_SITE_URL": "https://kansli.exempel.se",
    "KANSLI_REDIS_URL": "redis://redis.exempel.se:6379/0",
    "KANSLI_REQUIRE_TWO_FACTOR": "true",
    "KANSLI_SMTP_HOST": "smtp.exempel.se",
}

# One change to that environment, the problem it makes and words its message must hold
# (the variable to set among them).
PROBLEMS = [
    ({"KANSLI_DEBUG": "true"}, "E101", "Sätt KANSLI_DEBUG=false"),
    ({"KANSLI_SECRET_KEY": ""}, "E102", "Sätt KANSLI_SECRET_KEY"),
    ({"KANSLI_SECURE_COOKIES": "false"}, "E103", "Sätt KANSLI_SECURE_COOKIES=true"),
    ({"KANSLI_HSTS_SECONDS": "0"}, "E104", "Sätt KANSLI_HSTS_SECONDS"),
    ({"KANSLI_HSTS_SECONDS": "15767999"}, "E104", "gäller bara 15767999 sekunder"),
    ({"KANSLI_DATABASE_URL": ""}, "E105", "Sätt KANSLI_DATABASE_URL=postgresql://"),
    ({"KANSLI_ALLOWED_HOSTS": "127.0.0.1,localhost"}, "E107", "Sätt KANSLI_ALLOWED_HOSTS"),
    ({"KANSLI_SITE_URL": "http://kansli.exempel.se"}, "E108", "Sätt KANSLI_SITE_URL=https://"),
    ({"KANSLI_REDIS_URL": ""}, "E109", "Sätt KANSLI_REDIS_URL=redis://"),
    ({"KANSLI_REQUIRE_TWO_FACTOR": "false"}, "E110", "Sätt KANSLI_REQUIRE_TWO_FACTOR=true"),
    ({"KANSLI_ALLOWED_HOSTS": "*"}, "E111", "KANSLI_ALLOWED_HOSTS innehåller *"),
    ({"KANSLI_ALLOWED_HOSTS": "annan.exempel.se"}, "E112", "(kansli.exempel.se) finns inte i"),
    ({"KANSLI_BIND": "0.0.0.0:8000"}, "E113", "Sätt KANSLI_TRUSTED_PROXIES"),
    ({"KANSLI_SMTP_HOST": ""}, "E114", "Sätt KANSLI_SMTP_HOST"),
    ({"KANSLI_SIGNING_KEY_FILE": "/finns/inte.pem"}, "E115", "Sätt KANSLI_SIGNING_KEY_FILE"),
    ({"KANSLI_SECRET_KEY": "a" * 40}, "E116", "för få olika tecken"),
]


def _kansli(
    data_dir: Path, changes: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """`kansli ARGS` in an installation with the production environment, changed."""
    data_dir.mkdir(exist_ok=True)
    signing = {"KANSLI_SIGNING_KEY_FILE": data_dir / "nyckel.pem",
               "KANSLI_SIGNING_CERT_FILE": data_dir / "certifikat.pem"}  # fmt: skip
    for path in signing.values():
        path.write_text("kommunens\n")  # read when minutes are sealed, not by the checklist
    # Nothing of the test run's own: DJANGO_ALLOW_ASYNC_UNSAFE (set for the browser
    # tests) is itself a deployment error (async.E001).
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("KANSLI_", "DJANGO_"))}  # fmt: skip
    env |= PRODUCTION | {"KANSLI_DATA_DIR": str(data_dir)}
    env |= {name: str(path) for name, path in signing.items()} | changes
    return subprocess.run(
        [sys.executable, "-m", "kansli", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _found(output: str) -> list[str]:
    return re.findall(r"kansli\.(E\d{3})", output)


def test_a_correct_production_environment_passes(tmp_path: Path) -> None:
    result = _kansli(tmp_path / "data", {}, "check", "--deploy")
    assert result.returncode == 0, result.stderr
    assert _found(result.stdout + result.stderr) == []
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("change", "error", "words"), PROBLEMS, ids=[p[1] for p in PROBLEMS])
def test_each_problem_is_refused_with_its_own_message(
    tmp_path: Path, change: dict[str, str], error: str, words: str
) -> None:
    result = _kansli(tmp_path / "data", change, "check", "--deploy")
    assert result.returncode == 1
    assert _found(result.stderr) == [error]
    line = next(line for line in result.stderr.splitlines() if f"kansli.{error}" in line)
    assert words in line


def test_hsts_of_six_months_is_the_least_accepted() -> None:
    with override_settings(SECURE_HSTS_SECONDS=checklist.HSTS_MINIMUM):
        assert checklist._hsts() is None
    with override_settings(SECURE_HSTS_SECONDS=checklist.HSTS_MINIMUM - 1):
        assert checklist._hsts() is not None
    assert checklist.HSTS_MINIMUM == 182.5 * 24 * 3600


def test_storage_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "files").write_text("inte en katalog")
    result = _kansli(data_dir, {}, "check", "--deploy")
    assert _found(result.stderr) == ["E106"]
    assert f"det går inte att skriva i {data_dir / 'files'}" in result.stderr
    assert "KANSLI_S3_BUCKET" in result.stderr
    # With an object store the data directory holds no files: nothing to refuse.
    s3 = {
        "KANSLI_S3_BUCKET": "kansli",
        "KANSLI_S3_ENDPOINT_URL": "https://s3.exempel.se",
        "KANSLI_S3_ACCESS_KEY_ID": "kansli",
        "KANSLI_S3_SECRET_ACCESS_KEY": "hemligt",
    }
    assert _kansli(data_dir, s3, "check", "--deploy").returncode == 0


def test_every_process_refuses_listing_every_problem(tmp_path: Path) -> None:
    development = {"KANSLI_DEBUG": "true", "KANSLI_SECRET_KEY": "", "KANSLI_REDIS_URL": ""}
    commands = (
        ["serve", "--port=21190"],
        ["worker", "--batch"],
        ["remind"],
        ["intake", "imap", "--once"],
    )
    for command in commands:
        result = _kansli(tmp_path / "data", development, *command)
        assert result.returncode == EX_CONFIG, result.stderr
        assert "Kansli startar inte (KANSLI_PRODUCTION=true)" in result.stderr
        assert "produktionskontrollen hittade 3 fel" in result.stderr
        assert _found(result.stderr) == ["E101", "E102", "E109"]
        assert "Sätt KANSLI_DEBUG=false" in result.stderr
        assert "Kansli:" not in result.stdout  # gunicorn was never started
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 21190))  # nobody listens there


def test_serve_beyond_loopback_needs_the_checklist_without_kansli_production(
    tmp_path: Path,
) -> None:
    # An address of the documentation network (RFC 5737), not this machine's: were the
    # refusal missing, gunicorn could not bind it either, but would say so otherwise.
    development = {name: "" for name in PRODUCTION}
    result = _kansli(tmp_path / "data", development, "serve", "--bind=192.0.2.10:21191")
    assert result.returncode == EX_CONFIG
    assert "Kansli startar inte (192.0.2.10:21191 nås utanför den här datorn)" in result.stderr
    assert _found(result.stderr) == [
        "E102",
        "E103",
        "E104",
        "E105",
        "E107",
        "E108",
        "E109",
        "E113",
        "E114",
    ]
    assert "Kansli:" not in result.stdout


def test_settings_that_cannot_be_used_stop_start_up_with_one_line(tmp_path: Path) -> None:
    """An unreadable KANSLI_*_FILE or a KANSLI_DATA_DIR that is no folder: one line
    saying what is wrong, not the settings module's traceback."""
    a_file = tmp_path / "en-fil"
    a_file.write_text("")
    for change, words in [
        ({"KANSLI_DATA_DIR": str(a_file / "data")}, "Not a directory"),
        ({"KANSLI_SECRET_KEY_FILE": str(tmp_path / "finns-inte")}, "KANSLI_SECRET_KEY_FILE="),
        ({"KANSLI_API_TOKEN_DAYS": "0"}, "KANSLI_API_TOKEN_DAYS=0: expected 1 to 3650"),
        ({"KANSLI_API_TOKEN_DAYS": "99999999999"}, "expected 1 to 3650"),
    ]:
        result = _kansli(tmp_path / "data", change, "check")
        assert result.returncode == EX_CONFIG, result.stderr
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("Kansli startar inte: inställningarna går inte att använda")
        assert words in line
