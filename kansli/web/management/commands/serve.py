"""`kansli serve`: Kansli under gunicorn, the production web server. Each instance (one
per KANSLI_BIND, deploy/systemd/kansli-web@.service) has a control socket of its own
under DATA_DIR/run/: gunicorn's default is one path per user, so a second instance
would take it over and the first to stop would remove it. Listening beyond loopback,
or with KANSLI_PRODUCTION=true, it first runs the production checklist
(kansli.web.checklist) and refuses to start while it finds a problem."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kansli.web import bind, checklist, metrics

# gunicorn's default without %(h)s (the address), %(u)s, %(f)s and %(a)s (user agent),
# and without the query string (%(r)s has it): it can hold a SAML message with the
# person's NameID, or an OpenID Connect code.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# A UNIX socket's path fits in 108 bytes with its terminating NUL (Linux's sun_path).
UNIX_PATH_MAX = 107


class Command(BaseCommand):
    help = "Serve Kansli with gunicorn (the production server setup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", dest="address",
            help="HOST:PORT, [IPv6]:PORT or unix:/path (KANSLI_BIND, 127.0.0.1:8000)",
        )  # fmt: skip
        parser.add_argument("--port", type=int, help="this port on the bind's host")
        parser.add_argument("--workers", type=int, help="worker processes (KANSLI_WEB_WORKERS, 2)")
        parser.add_argument(
            "--control-socket",
            help="gunicorn's control socket (KANSLI_CONTROL_SOCKET; DATA_DIR/run/web-<bind>.ctl; "
            "none: off)",
        )

    def handle(
        self, *args: Any, address: str | None, port: int | None, workers: int | None,
        control_socket: str | None, **options: Any,
    ) -> None:  # fmt: skip
        where = _where(address or settings.BIND, port)
        workers = settings.WEB_WORKERS if workers is None else workers
        if workers < 1:
            raise CommandError("--workers: minst 1.")
        if settings.PRODUCTION:
            checklist.refuse_unless_ready(where, "KANSLI_PRODUCTION=true")
        elif not where.local:
            checklist.refuse_unless_ready(where, f"{where.address} nås utanför den här datorn")
        argv = gunicorn_argv(where, workers, control_socket or settings.CONTROL_SOCKET)
        if settings.LOG_FORMAT == "text":  # as JSON, every line is an object: gunicorn's say where
            self.stdout.write(f"Kansli: {_url(where)} (Ctrl-C stoppar)")
            self.stdout.flush()
        metrics.serving_metrics_dir(where.slug())  # this instance's counts, begun anew
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process with gunicorn


def gunicorn_argv(where: bind.Bind, workers: int, control_socket: str) -> list[str]:
    """The gunicorn command line, one option a line."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "kansli.wsgi:application",
        f"--bind={where.address}",
        f"--workers={workers}",
        *_control_socket(where, control_socket),
        # nginx's X-Forwarded-Proto is believed from these addresses only, so that Django
        # sees HTTPS behind it (HSTS, the CSRF check of the Origin) and nobody else can say so.
        f"--forwarded-allow-ips={','.join(settings.TRUSTED_PROXIES)}",
        "--access-logfile=-",
        # No client address or browser in the log: a citizen asking for documents
        # need not say who they are (TF 2 kap. 18 §); staff's are in the audit log.
        f"--access-logformat={ACCESS_LOG_FORMAT}",
        # Its own and the access log's lines as JSON with KANSLI_LOG_FORMAT=json.
        "--logger-class=kansli.web.logs.GunicornLogger",
    ]


def _where(address: str, port: int | None) -> bind.Bind:
    try:
        where = bind.parse(address)
        return where if port is None else where.with_port(port)
    except ValueError as exc:
        raise CommandError(f"--bind/KANSLI_BIND: {exc}") from exc


def _control_socket(where: bind.Bind, given: str) -> list[str]:
    if given == "none":
        return ["--no-control-socket"]
    path = (
        Path(given).absolute() if given else settings.DATA_DIR / "run" / f"web-{where.slug()}.ctl"
    )
    if len(os.fsencode(path)) > UNIX_PATH_MAX:
        raise CommandError(
            f"Styrsocketens sökväg {path} är längre än {UNIX_PATH_MAX} byte. Sätt "
            "KANSLI_CONTROL_SOCKET (--control-socket) till en kortare, eller till none."
        )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return [f"--control-socket={path}"]


def _url(where: bind.Bind) -> str:
    if where.unix:
        return where.address
    host = f"[{where.host}]" if ":" in where.host else where.host
    return f"http://{host}:{where.port}/"
