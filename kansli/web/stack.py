"""The production stack on one machine (`kansli stack up DIR`): PostgreSQL (the local
server, a database of the stack's own), SeaweedFS as the object store, Redis for the
caches and the task queue, LemonLDAP::NG as the identity provider (OpenID Connect and
SAML), two `kansli serve` instances, two `kansli worker` on RQ, and nginx in front
with TLS (deploy/nginx/kansli.conf, filled in). Everything listens on 127.0.0.1; every
file, key and log is in DIR. The servers other than Kansli's are the tests' own
(kansli.files.testing_s3, kansli.web.testing_redis, kansli.sso.testing), started from
Debian's and Python's packages with their data in DIR (the portal's in a temporary
folder of its own).

The database is made when the stack starts and dropped when it stops: the stack is
for trying and testing the production setup, not for keeping data."""

from __future__ import annotations

import getpass
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from psycopg import sql
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string

from kansli.certificates import self_signed
from kansli.files.testing_s3 import SeaweedFS
from kansli.sso import testing as idp
from kansli.sso.config import saml_config
from kansli.subprocesses import free_port, stop, wait_for_port
from kansli.web.testing_redis import RedisServer

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "kansli.conf"
NGINX = "/usr/sbin/nginx"
MIME_TYPES = "/etc/nginx/mime.types"
BUCKET = "kansli"
AUTHORITY = "KS"  # the demo's kommunstyrelse: the portal's group registers there
DEFAULT_DATABASE_URL = "postgresql://kansli:kansli@127.0.0.1:5432/kansli_stack"
PLACEHOLDER = re.compile(r"@[A-Z0-9_]+@")

# The stack's own nginx.conf around the site: nginx as this user, its files in DIR.
NGINX_MAIN = """{user}pid {directory}/nginx.pid;
daemon off;
worker_processes 2;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {site};
}}
"""


class StackError(Exception):
    """The stack cannot start; the message says why, in Swedish."""


@dataclass(frozen=True)
class Ports:
    """Where the stack listens: nginx's HTTPS and HTTP, and the two `kansli serve`."""

    https: int = 8443
    http: int = 8080
    web: tuple[int, int] = (8001, 8002)


@dataclass
class Stack:
    """The running stack; `env` is the environment of its Kansli processes (also for a
    `kansli backup` or a shell against it)."""

    directory: Path
    url: str
    ports: Ports
    env: dict[str, str]
    database_url: str
    store: SeaweedFS
    redis: RedisServer
    portal: idp.Portal
    logins: list[str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def stopped(self) -> str | None:
        """The name of a process of the stack that has exited, if one has."""
        return next((name for name, p in self.processes.items() if p.poll() is not None), None)

    def log(self, name: str) -> str:
        path = self.directory / "logs" / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def server_url(database_url: str) -> str:
    """The same server's maintenance database, to make and drop databases from."""
    return urlunsplit(urlsplit(database_url)._replace(path="/postgres"))


def database_name(database_url: str) -> str:
    name = urlsplit(database_url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise StackError(f"Databasnamnet {name!r} ska vara små bokstäver, siffror och _.")
    return name


def create_database(database_url: str) -> None:
    """A new, empty database; refused if one of that name exists (the stack never
    writes into a database it did not make)."""
    name = database_name(database_url)
    try:
        with closing(psycopg.connect(server_url(database_url), autocommit=True)) as server:
            if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                raise StackError(
                    f"Databasen {name} finns redan. Ta bort den (dropdb {name}) eller ange "
                    "en annan med --database-url."
                )
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        raise StackError(
            f"PostgreSQL svarar inte på {urlsplit(database_url).netloc}: {error}"
        ) from error


def drop_database(database_url: str) -> None:
    name = database_name(database_url)
    with closing(psycopg.connect(server_url(database_url), autocommit=True)) as server:
        drop = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
        server.execute(sql.SQL(drop).format(sql.Identifier(name)))


def nginx_site(values: dict[str, str]) -> str:
    """deploy/nginx/kansli.conf with every @NAME@ filled in."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if left := sorted(set(PLACEHOLDER.findall(body))):
        raise StackError(f"{TEMPLATE} har kvar {', '.join(left)}.")
    return text


def sp_metadata(url: str, keys: idp.ServiceProviderKeys) -> str:
    """Kansli's SAML metadata, for the identity provider to know it by."""
    config = saml_config(site_url=url, idp_metadata="", key_file=str(keys.key_file),
                         cert_file=str(keys.cert_file))  # fmt: skip
    del config["metadata"]
    return str(create_metadata_string(None, config=SPConfig().load(config)).decode())


def kansli_environment(
    directory: Path, url: str, database_url: str, store: SeaweedFS, redis: RedisServer,
    portal: idp.Portal, keys: idp.ServiceProviderKeys,
) -> dict[str, str]:  # fmt: skip
    """What the stack's Kansli processes are given (README: Configuration)."""
    origins = f"{url},{url.replace('127.0.0.1', 'localhost')}"
    own = {
        "KANSLI_DATA_DIR": str(directory / "data"),
        "KANSLI_DATABASE_URL": database_url,
        "KANSLI_DEBUG": "false",
        "KANSLI_SITE_URL": url,
        "KANSLI_STATIC_ROOT": str(directory / "static"),
        "KANSLI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KANSLI_CSRF_TRUSTED_ORIGINS": origins,
        "KANSLI_SECURE_COOKIES": "true",
        "KANSLI_REDIS_URL": redis.url,
        "KANSLI_TASKS": "rq",
        **store.environment(BUCKET),
        # The portal's registrars' group registers at KS. One provider serves both
        # protocols for the same people, so an account made through one is linked
        # at the person's first sign-in through the other.
        "KANSLI_SSO_GROUPS": f"{idp.GROUP}=registrator@{AUTHORITY}",
        "KANSLI_SSO_LINK_EXISTING": "true",
        "KANSLI_OIDC_CLIENT_ID": idp.CLIENT_ID,
        "KANSLI_OIDC_CLIENT_SECRET": idp.CLIENT_SECRET,
        "KANSLI_OIDC_ISSUER": portal.issuer,
        "KANSLI_OIDC_AUTHORIZATION_ENDPOINT": portal.endpoint("authorize"),
        "KANSLI_OIDC_TOKEN_ENDPOINT": portal.endpoint("token"),
        "KANSLI_OIDC_USERINFO_ENDPOINT": portal.endpoint("userinfo"),
        "KANSLI_OIDC_JWKS_ENDPOINT": portal.endpoint("jwks"),
        "KANSLI_OIDC_MFA_VALUES": idp.MFA_ACR,
        "KANSLI_SAML_IDP_METADATA": str(portal.saml_idp_metadata),
        "KANSLI_SAML_KEY_FILE": str(keys.key_file),
        "KANSLI_SAML_CERT_FILE": str(keys.cert_file),
        "KANSLI_SAML_MFA_CONTEXTS": idp.MFA_SAML_CONTEXT,
    }
    # Other KANSLI_* variables given to `kansli stack` (KANSLI_LOG_LEVEL, the limits)
    # reach Kansli's processes too, as they reach nginx's client_max_body_size.
    return dict(os.environ) | own


def _start(
    stack: Stack, name: str, argv: list[str], env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """A process of the stack in a session of its own (Ctrl-C reaches only `kansli
    stack`, which stops them in order), its output in DIR/logs/NAME.log."""
    with (stack.directory / "logs" / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    stack.processes[name] = process
    return process


def _stop_all(stack: Stack) -> None:
    """nginx first, then the workers, then the web instances (the reverse of start)."""
    for name in reversed(list(stack.processes)):
        stop(stack.processes.pop(name), timeout=20)


def _wait_until_serving(stack: Stack, name: str, port: int) -> None:
    try:
        wait_for_port(stack.processes[name], port, name, lambda: stack.log(name), 90)
    except RuntimeError as exc:
        raise StackError(f"{name} svarade inte: {exc}") from exc


def kansli(stack: Stack, command: str, *args: str) -> str:
    """`kansli COMMAND` run to its end in the stack's environment, its output also in
    DIR/logs/COMMAND.log; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "kansli", command, *args],
        env=stack.env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    (stack.directory / "logs" / f"{command}.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise StackError(f"kansli {command} misslyckades:\n{done.stderr[-3000:]}")
    return done.stdout


def _set_up(stack: Stack, scale: float) -> list[str]:
    """Migrate and load the demo municipality; its logins as `kansli demo` prints them."""
    lines = kansli(stack, "demo", "--no-serve", f"--scale={scale}").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Inloggningar")), 0)
    return lines[start:]


@contextmanager
def running_stack(
    directory: Path,
    *,
    ports: Ports | None = None,
    database_url: str = DEFAULT_DATABASE_URL,
    scale: float = 0.1,
    say: Callable[[str], None] = print,
) -> Iterator[Stack]:
    """The whole stack started in `directory` (new or empty), in order, each part
    waited for; everything stopped, in the reverse order, and the database dropped
    when the block ends. `say` is told each step."""
    ports = ports or Ports()
    directory = directory.resolve()
    if directory.exists() and any(directory.iterdir()):
        raise StackError(f"{directory} är inte tom: ge stacken en ny mapp.")
    for tool in (NGINX, idp.PLACKUP, "/usr/bin/redis-server"):
        if not Path(tool).exists():
            raise StackError(f"{tool} saknas (Debians paket, se .ci/run).")
    for part in ("data", "logs", "static", "tls", "saml", "nginx", "seaweedfs", "redis"):
        (directory / part).mkdir(parents=True, exist_ok=True)
    url = f"https://127.0.0.1:{ports.https}"
    with ExitStack() as cleanup:
        cleanup.callback(signal.signal, signal.SIGINT, signal.getsignal(signal.SIGINT))
        say(f"PostgreSQL: databasen {database_name(database_url)}")
        create_database(database_url)
        cleanup.callback(drop_database, database_url)
        say("SeaweedFS (objektlagret)")
        store = SeaweedFS(directory / "seaweedfs")
        cleanup.callback(store.stop)
        store.start()
        store.client().create_bucket(Bucket=BUCKET)
        say("Redis")
        redis = RedisServer(free_port(), directory / "redis")
        cleanup.callback(redis.stop)
        redis.start()
        say("LemonLDAP::NG (identitetsleverantören)")
        keys = idp.service_provider_keys(directory / "saml")
        portal = cleanup.enter_context(
            idp.running_portal(f"{url}/sso/oidc/callback/", sp_metadata(url, keys))
        )
        env = kansli_environment(directory, url, database_url, store, redis, portal, keys)
        stack = Stack(directory, url, ports, env, database_url, store, redis, portal, [])
        cleanup.callback(_stop_all, stack)
        say(f"Migrering och demokommunen (skala {scale})")
        stack.logins = _set_up(stack, scale)
        say("Statiska filer för nginx (kansli collectstatic)")
        kansli(stack, "collectstatic", "--noinput", "-v0")
        for number, port in enumerate(ports.web, start=1):
            argv = [sys.executable, "-m", "kansli", "serve", f"--port={port}"]
            _start(stack, f"web-{number}", argv, env)
        for number, port in enumerate(ports.web, start=1):
            _wait_until_serving(stack, f"web-{number}", port)
            say(f"kansli serve på 127.0.0.1:{port}")
        for number in (1, 2):
            _start(stack, f"worker-{number}", [sys.executable, "-m", "kansli", "worker"], env)
        say("kansli worker ×2 (RQ)")
        _start_nginx(stack, ports)
        say(f"nginx: {url}/")
        try:
            yield stack
        finally:
            # A second Ctrl-C must not cut the stopping short and leave processes behind.
            # (SeaweedFS, Redis and the portal, in the terminal's process group, have the
            # first one too and stop at once; Kansli's processes are stopped in order.)
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_nginx(stack: Stack, ports: Ports) -> None:
    folder = stack.directory / "nginx"
    key, certificate = self_signed(
        stack.directory / "tls", "kansli", common_name="Kansli på 127.0.0.1",
        hosts=("localhost",), addresses=("127.0.0.1",), days=90,
    )  # fmt: skip
    site = folder / "kansli.conf"
    site.write_text(
        nginx_site(
            {
                "PUBLIC_ORIGIN": stack.url,
                "SERVER_NAME": "127.0.0.1 localhost",
                "HTTP_PORT": f"127.0.0.1:{ports.http}",
                "HTTPS_PORT": f"127.0.0.1:{ports.https}",
                "CERTIFICATE": str(certificate),
                "CERTIFICATE_KEY": str(key),
                "WEB_1": f"127.0.0.1:{ports.web[0]}",
                "WEB_2": f"127.0.0.1:{ports.web[1]}",
                "STATIC_ROOT": str(stack.directory / "static"),
                "MAX_REQUEST_MB": str(settings.MAX_REQUEST_MB),
                "LOG_DIR": str(stack.directory / "logs"),
            }
        )
    )
    # As root, nginx's workers would run as nobody, who cannot read DIR.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    logs = stack.directory / "logs"
    main.write_text(NGINX_MAIN.format(user=user, directory=folder, logs=logs,
                                      mime_types=MIME_TYPES, site=site))  # fmt: skip
    checked = subprocess.run([NGINX, "-t", "-q", "-e", str(logs / "nginx-error.log"), "-c",
                              str(main)], capture_output=True, text=True)  # fmt: skip
    if checked.returncode != 0:
        raise StackError(f"nginx -t: {checked.stderr}")
    process = _start(stack, "nginx", [NGINX, "-e", str(logs / "nginx-error.log"), "-c",
                                      str(main)], dict(os.environ))  # fmt: skip
    wait_for_port(process, ports.https, "nginx", lambda: (logs / "nginx-error.log").read_text())
