"""The one settings module. Everything that differs between installations comes from
environment variables (named KANSLI_*); a required value that is missing or malformed
stops start-up with a message that says which variable and why."""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kansli.sso.config import parse_group_map, saml_config
from kansli.web import bind

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    """A variable's value; NAME_FILE may name a file holding it (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name}: cannot read it ({exc})") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_addresses(name: str) -> list[str]:
    """A list of single IP addresses (default: this machine's), compared as they are
    with a client's address (kansli.anonymous): a name or a network would never match."""
    addresses = env_list(name, ["127.0.0.1", "::1"])
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {address!r} is not one IP address (no names, no networks)"
            ) from None
    return addresses


DATA_DIR = Path(env("KANSLI_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("KANSLI_DEBUG", False)
# `kansli serve` and `kansli worker` refuse to start while the production checklist
# finds a problem (kansli/web/checklist.py; `kansli check --deploy` lists them).
PRODUCTION = env_bool("KANSLI_PRODUCTION", False)


def _secret_key() -> str:
    """KANSLI_SECRET_KEY, or for the embedded default a key generated once and kept in
    the data directory so that sessions survive restarts."""
    given = env("KANSLI_SECRET_KEY")
    if given:
        if len(given) < 32:
            raise ImproperlyConfigured("KANSLI_SECRET_KEY must be at least 32 characters")
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
SECRET_KEY_GIVEN = bool(env("KANSLI_SECRET_KEY"))  # the production checklist asks for it

# The address users reach Kansli at, for links in e-mail.
SITE_URL = (env("KANSLI_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = env_list("KANSLI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("KANSLI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kansli.web",  # first, so that its templates (login, base) take precedence
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its own static files, not a CDN (strict CSP)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "kansli.org",
    "kansli.audit",
    "kansli.workdays",
    "kansli.files",
    "kansli.access",
    "kansli.public",
    "kansli.meetings",
    "kansli.registry",
    "kansli.search",
    "kansli.retention",
    "kansli.requests",
    "kansli.eservices",
    "kansli.mailbox",
    "kansli.distribution",
    "kansli.drafting",
    "kansli.reports",
    "kansli.handbook",
    "kansli.surveys",
    "kansli.reorganisation",
    "kansli.privacy",
    "kansli.archive",
    "kansli.backup",
    "kansli.sso",
    "kansli.demo",
]

MIDDLEWARE = [
    # Outermost: every request counted and timed for /metrics (kansli.web.metrics).
    "kansli.web.metrics.RequestMetricsMiddleware",
    # /health/live, /health/ready and /metrics answered here, before sessions, CSRF,
    # the host check and the second factor: they work with Redis down (kansli.web.health).
    "kansli.web.health.ProbeMiddleware",
    # Work on a file in a sandboxed child ends within REQUEST_SECONDS of a request.
    "kansli.web.middleware.SandboxDeadlineMiddleware",
    # The public e-diary's kept answers to anonymous GETs, before the rest of the
    # middleware (kansli.public.fastpath).
    "kansli.public.fastpath.CachedAnswerMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kansli.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The SAML requests in flight, in a cookie of their own (kansli.sso.saml).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads a form's fields after all of these).
    "kansli.web.limits.RequestSizeMiddleware",
    "kansli.web.limits.StorableInputMiddleware",
    "kansli.web.faults.FaultPageMiddleware",
    "kansli.web.middleware.NotAllowedPageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kansli.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kansli.web.middleware.SessionActivityMiddleware",
    # An OpenID Connect session signed in again at the provider now and then.
    "kansli.sso.refresh.SessionRefresh",
    "kansli.web.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kansli.urls"
WSGI_APPLICATION = "kansli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Inputs, lists and error lists drawn in Python, in the markup of Django's own templates.
FORM_RENDERER = "kansli.web.formrenderer.FormRenderer"


# A web process keeps its database connection for a minute between requests instead of
# opening one for each (SQLite: its PRAGMAs run again; PostgreSQL: a new backend
# process), and a kept one is checked before a request uses it (a PostgreSQL restarted
# meanwhile: a new connection instead of an error).
KEPT_CONNECTIONS = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
PGBOUNCER = env_bool("KANSLI_PGBOUNCER", False)


def _databases() -> dict[str, dict[str, object]]:
    url = env("KANSLI_DATABASE_URL")
    if not url:
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DATA_DIR / "kansli.sqlite3",
                "OPTIONS": {
                    # IMMEDIATE takes the write lock when a transaction starts, so two
                    # writers queue instead of failing half-way; WAL lets readers go on.
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": (
                        "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=NORMAL;"
                        "PRAGMA foreign_keys=ON;"
                        "PRAGMA busy_timeout=20000;"
                        # Deleted rows are overwritten with zeros, not left in free
                        # pages: what disposal removes is gone from the file too.
                        "PRAGMA secure_delete=ON;"
                    ),
                },
                "TEST": {"NAME": env("KANSLI_TEST_SQLITE_NAME") or None},
                **KEPT_CONNECTIONS,
            }
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            "KANSLI_DATABASE_URL must start with postgresql:// (or sqlite:// for testing)"
        )
    database = dj_database_url.parse(url)
    # KANSLI_PGBOUNCER: the URL names a PgBouncer in transaction mode, where each
    # transaction (each statement, outside one) may run on another server connection,
    # so nothing may outlive a transaction on the server. Django's `.iterator()` would
    # keep a WITH HOLD cursor open across transactions (audit verify, disposal, archive
    # export): without server-side cursors it reads from an ordinary cursor, which holds
    # the whole result in memory.
    # psycopg 3 prepares no statement (Django's default, kept here on purpose: a
    # prepared statement lives in one server connection). The time zone Django sets on
    # connecting is a parameter PgBouncer tracks and sets again on each server
    # connection a client gets. Kansli takes no advisory lock, LISTENs to nothing, makes
    # temporary tables only within a transaction (the bulk import's) and its locks are
    # row locks within transactions. `kansli backup` and `restore` refuse to run through
    # it (pg_dump's and pg_restore's session settings would stay in the pool). Off by
    # default: directly on PostgreSQL, server-side cursors keep a long read's memory
    # small.
    if PGBOUNCER:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database["OPTIONS"] = {**database.get("OPTIONS", {}), "prepare_threshold": None}
    return {"default": dict(database) | KEPT_CONNECTIONS}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
# django-axes first: it refuses a locked-out username and address before the password
# is even checked; then Django's own check of the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("KANSLI_TIME_ZONE") or "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `kansli collectstatic` gathers the static files for nginx to serve at /static/;
# unset, only WhiteNoise serves them.
STATIC_ROOT = env("KANSLI_STATIC_ROOT") or None
# WhiteNoise serves the apps' static files straight from the packages too: no
# collectstatic step without nginx.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KANSLI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Strict-Transport-Security on answers over HTTPS (behind nginx: X-Forwarded-Proto from
# a KANSLI_TRUSTED_PROXIES address, which `kansli serve` passes to gunicorn).
SECURE_HSTS_SECONDS = env_int("KANSLI_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("KANSLI_HSTS_SECONDS must be 0 or more")
# Django's deployment warnings for these are the production checklist's errors in
# Swedish (kansli.E103, E104); the redirect to HTTPS is nginx's (deploy/nginx/kansli.conf);
# HSTS for every subdomain and the browsers' preload list are for the municipality to
# decide for its whole domain, not for Kansli's one host name.
SILENCED_SYSTEM_CHECKS = [
    *("security.W004", "security.W008", "security.W012", "security.W016"),
    *("security.W005", "security.W021"),
]
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Signed out after this long without a request: SessionActivityMiddleware renews the
# session (at most once a minute) on every signed-in request.
SESSION_COOKIE_AGE = env_int("KANSLI_SESSION_SECONDS", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Signing in (kansli.web.login). Repeated failures for one username from one address
# lock that pair out for a while (django-axes); the page says the same as for a wrong
# password, so it does not tell whether the username exists.
LOGIN_FAILURE_LIMIT = env_int("KANSLI_LOGIN_FAILURE_LIMIT", 5)
LOCKOUT_MINUTES = env_int("KANSLI_LOCKOUT_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(
        "KANSLI_LOGIN_FAILURE_LIMIT and KANSLI_LOCKOUT_MINUTES must be 1 or more"
    )
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
# How long audit events keep the address a signed-in request came from before `kansli
# remind` forgets it (kansli.audit.forget; GDPR art. 5.1 e). Requests from the public
# keep none at all.
AUDIT_ADDRESS_DAYS = env_int("KANSLI_AUDIT_ADDRESS_DAYS", 90)
if AUDIT_ADDRESS_DAYS < 1:
    raise ImproperlyConfigured("KANSLI_AUDIT_ADDRESS_DAYS must be 1 or more")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lockout ends when it said
AXES_LOCKOUT_CALLABLE = "kansli.web.login.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kansli.web.login.client_ip"
AXES_WHITELIST_CALLABLE = "kansli.sso.views.not_a_password"  # single sign-on
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log
# The admin saves through actions; a lockout ends by itself or with
# `kansli axes_reset_username USERNAME`.
AXES_ENABLE_ADMIN = False
# Two-factor login (TOTP, RFC 6238) for those who can read secrecy-marked documents
# (kansli.access.rules.may_read_secrets); off only for development.
REQUIRE_TWO_FACTOR = env_bool("KANSLI_REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = "Kansli"

# Single sign-on (kansli.sso): OpenID Connect when KANSLI_OIDC_CLIENT_ID is set, SAML 2
# when KANSLI_SAML_IDP_METADATA is. KANSLI_SSO_GROUPS maps the identity provider's
# groups to roles ("group=role@CODE", comma-separated); a person unknown to Kansli is
# created at the first sign-in only when a group maps. The identity provider's
# multi-factor claim (an acr/amr value of KANSLI_OIDC_MFA_VALUES, an
# AuthnContextClassRef of KANSLI_SAML_MFA_CONTEXTS) counts as the second factor.
try:
    SSO_GROUPS = parse_group_map(env_list("KANSLI_SSO_GROUPS", []))
except ValueError as exc:
    raise ImproperlyConfigured(f"KANSLI_SSO_GROUPS: {exc}") from exc
# An account that exists when single sign-on is turned on is linked to the provider's
# person at their first sign-in only while this is on (the day of the change); off, it
# is refused until then, so that a provider's user of the same name cannot take it.
SSO_LINK_EXISTING = env_bool("KANSLI_SSO_LINK_EXISTING", False)
OIDC_ENABLED = bool(env("KANSLI_OIDC_CLIENT_ID"))
OIDC_REQUIRED = (
    "KANSLI_OIDC_CLIENT_SECRET",
    "KANSLI_OIDC_ISSUER",
    "KANSLI_OIDC_AUTHORIZATION_ENDPOINT",
    "KANSLI_OIDC_TOKEN_ENDPOINT",
    "KANSLI_OIDC_USERINFO_ENDPOINT",
    "KANSLI_OIDC_JWKS_ENDPOINT",
)
if OIDC_ENABLED:
    if missing := [name for name in OIDC_REQUIRED if not env(name)]:
        raise ImproperlyConfigured(f"KANSLI_OIDC_CLIENT_ID needs {', '.join(missing)} too")
    AUTHENTICATION_BACKENDS.append("kansli.sso.oidc.Backend")
OIDC_RP_CLIENT_ID = env("KANSLI_OIDC_CLIENT_ID") or ""
OIDC_RP_CLIENT_SECRET = env("KANSLI_OIDC_CLIENT_SECRET") or ""
OIDC_ISSUER = env("KANSLI_OIDC_ISSUER") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env("KANSLI_OIDC_AUTHORIZATION_ENDPOINT") or ""
OIDC_OP_TOKEN_ENDPOINT = env("KANSLI_OIDC_TOKEN_ENDPOINT") or ""
OIDC_OP_USER_ENDPOINT = env("KANSLI_OIDC_USERINFO_ENDPOINT") or ""
OIDC_OP_JWKS_ENDPOINT = env("KANSLI_OIDC_JWKS_ENDPOINT") or ""
# Signing out of Kansli signs out at the provider too (RP-initiated logout), and the
# session is signed in again silently this often (kansli.sso.refresh): the bound on how
# long someone removed at the provider keeps a session.
OIDC_OP_LOGOUT_ENDPOINT = env("KANSLI_OIDC_END_SESSION_ENDPOINT") or ""
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env_int("KANSLI_OIDC_RENEW_SECONDS", 900)
if OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS < 1:
    raise ImproperlyConfigured("KANSLI_OIDC_RENEW_SECONDS must be 1 or more")
OIDC_RP_SIGN_ALGO = env("KANSLI_OIDC_SIGN_ALGO") or "RS256"
# Seconds Kansli waits for the provider (tokens, user info, its keys): the back-channel
# logout's keys are fetched for an anonymous POST, which must not hold a worker long.
OIDC_TIMEOUT = 5
OIDC_RP_SCOPES = env("KANSLI_OIDC_SCOPES") or "openid email profile groups"
OIDC_USERNAME_CLAIM = env("KANSLI_OIDC_USERNAME_CLAIM") or "preferred_username"
OIDC_GROUPS_CLAIM = env("KANSLI_OIDC_GROUPS_CLAIM") or "groups"
OIDC_MFA_VALUES = env_list("KANSLI_OIDC_MFA_VALUES", ["mfa"])  # RFC 8176: more than one factor
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_oidc_callback"
OIDC_USE_PKCE = True
SAML_ENABLED = bool(env("KANSLI_SAML_IDP_METADATA"))
if SAML_ENABLED:
    if missing := [n for n in ("KANSLI_SAML_KEY_FILE", "KANSLI_SAML_CERT_FILE") if not env(n)]:
        raise ImproperlyConfigured(f"KANSLI_SAML_IDP_METADATA needs {', '.join(missing)} too")
    SAML_CONFIG = saml_config(
        site_url=SITE_URL,
        idp_metadata=env("KANSLI_SAML_IDP_METADATA") or "",
        key_file=env("KANSLI_SAML_KEY_FILE") or "",
        cert_file=env("KANSLI_SAML_CERT_FILE") or "",
        entity_id=env("KANSLI_SAML_ENTITY_ID"),
    )
    AUTHENTICATION_BACKENDS.append("kansli.sso.saml.Backend")
SAML_USERNAME_ATTRIBUTE = env("KANSLI_SAML_USERNAME_ATTRIBUTE") or "uid"
SAML_GROUPS_ATTRIBUTE = env("KANSLI_SAML_GROUPS_ATTRIBUTE") or "groups"
SAML_MFA_CONTEXTS = env_list("KANSLI_SAML_MFA_CONTEXTS", ["https://refeds.org/profile/mfa"])
SAML_CSP_HANDLER = ""  # the Content-Security-Policy is kansli.web.middleware's
# To the identity provider by redirect: the POST binding's page submits itself by a
# script, which Kansli's Content-Security-Policy does not run.
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

# Registered documents' files, content-addressed; never served from MEDIA_URL.
MEDIA_ROOT = DATA_DIR / "files"
# Stored files and their folders for Kansli's own user (and its group) only, whatever
# the umask of whoever runs it (`kansli restore` from a shell included): secret
# documents must not be readable by every account on the machine.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
S3_REQUIRED = ("KANSLI_S3_ENDPOINT_URL", "KANSLI_S3_ACCESS_KEY_ID", "KANSLI_S3_SECRET_ACCESS_KEY")


def file_storage() -> dict[str, object]:
    """Where the files' bytes live: the file system under MEDIA_ROOT, or, when
    KANSLI_S3_BUCKET is set, that bucket of an S3-compatible object store (SeaweedFS,
    MinIO, Ceph) through django-storages. Objects are named by their SHA-256 and never
    renamed: an object already there holds the same bytes (kansli.files.store)."""
    bucket = env("KANSLI_S3_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    given = {name: env(name) for name in S3_REQUIRED}
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"KANSLI_S3_BUCKET={bucket} needs {', '.join(missing)} too "
            "(the secrets may be given as NAME_FILE)"
        )
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": given["KANSLI_S3_ENDPOINT_URL"],
            "access_key": given["KANSLI_S3_ACCESS_KEY_ID"],
            "secret_key": given["KANSLI_S3_SECRET_ACCESS_KEY"],
            "region_name": env("KANSLI_S3_REGION") or None,
            "file_overwrite": True,  # never a suffix: the name is the content's hash
            "default_acl": None,  # private: files are served by Kansli, never by URL
            "client_config": Config(
                s3={"addressing_style": "path"},  # the bucket in the path, no DNS name
                connect_timeout=5,
                read_timeout=60,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        },
    }


STORAGES = {
    "default": file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAX_UPLOAD_MB = env_int("KANSLI_MAX_UPLOAD_MB", 100)  # one file
MAX_REQUEST_MB = env_int("KANSLI_MAX_REQUEST_MB", 200)  # one request, its files together
# What a ZIP-based file (Word, Excel, OpenDocument) may unpack to (kansli.files.store).
MAX_UNPACKED_MB = env_int("KANSLI_MAX_UNPACKED_MB", 500)
# A file's text is read in a child process that may grow by this much, for this long
# (kansli.files.sandbox); a file over either is kept without text, and the page says so.
EXTRACT_MEMORY_MB = env_int("KANSLI_EXTRACT_MEMORY_MB", 1024)
EXTRACT_SECONDS = env_int("KANSLI_EXTRACT_SECONDS", 120)
# Within a web request that child has at most this long (gunicorn stops a request at 30 s).
REQUEST_SECONDS = env_int("KANSLI_REQUEST_SECONDS", 20)

# Background work: queued in the database, run by `kansli worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The database backend's tasks left RUNNING by a lost worker (kansli/web/taskrecovery.py):
# one of a worker of another machine is run again after this many seconds (one of this
# machine's, once its process is gone); after this many attempts it fails instead. On
# RQ (kansli/web/rq.py): the workers' clean-up interval and each job's runs in all.
TASK_STALE_SECONDS = env_int("KANSLI_TASK_STALE_SECONDS", 900)
TASK_MAX_ATTEMPTS = env_int("KANSLI_TASK_MAX_ATTEMPTS", 3)
if TASK_STALE_SECONDS < 1 or TASK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "KANSLI_TASK_STALE_SECONDS and KANSLI_TASK_MAX_ATTEMPTS must be at least 1"
    )

# E-mail: SMTP when KANSLI_SMTP_HOST is set; otherwise each message is written as a file
# in DATA_DIR/mail, so that a demo or test installation can be read without a mail server.
DEFAULT_FROM_EMAIL = env("KANSLI_EMAIL_FROM") or "kansli@localhost"
if env("KANSLI_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("KANSLI_SMTP_HOST")
    EMAIL_PORT = env_int("KANSLI_SMTP_PORT", 587)
    EMAIL_HOST_USER = env("KANSLI_SMTP_USER") or ""
    EMAIL_HOST_PASSWORD = env("KANSLI_SMTP_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("KANSLI_SMTP_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_SUBJECT_PREFIX = "[Kansli] "

# Registry: an incoming document registered more than this many working days after it
# arrived is listed as registered late (OSL 5 kap. 1 §: "utan dröjsmål").
REGISTRATION_LAG_LIMIT = env_int("KANSLI_REGISTRATION_LAG_DAYS", 1)

# Requests for public documents: the days a download link of a delivery stays valid, and
# the code of the delegation point for refusing to disclose (OSL 6 kap. 7 §) in each
# authority's delegation order; its delegate and substitutes decide refusals.
DELIVERY_LINK_DAYS = env_int("KANSLI_DELIVERY_LINK_DAYS", 14)

# API keys (kansli.org.tokens): the days a new key opens the API unless made for fewer.
API_TOKEN_DAYS = env_int("KANSLI_API_TOKEN_DAYS", 365)
if not 1 <= API_TOKEN_DAYS <= 3650:  # kansli.org.actions.MAX_TOKEN_DAYS
    raise ImproperlyConfigured(f"KANSLI_API_TOKEN_DAYS={API_TOKEN_DAYS}: expected 1 to 3650 days")
ACCESS_REQUEST_POINT = env("KANSLI_ACCESS_REQUEST_POINT") or "2.1"

# The working day a request for public documents is timed in (kansli.requests.clock):
# first and last hour, local time, "08-17" or "07:30-16:30".
WORKING_HOURS = env("KANSLI_WORKING_HOURS") or "08-17"

# The functional mailbox (`kansli intake imap`): the CA certificates (PEM) that the IMAP
# servers' TLS certificates are checked against; empty: the system's.
IMAP_CA_FILE = env("KANSLI_IMAP_CA_FILE") or ""

# The public e-diary: requests per client address and minute (0: no limit), and how
# long browsers and proxies may keep its pages.
PUBLIC_REQUESTS_PER_MINUTE = env_int("KANSLI_PUBLIC_REQUESTS_PER_MINUTE", 120)
PUBLIC_CACHE_SECONDS = env_int("KANSLI_PUBLIC_CACHE_SECONDS", 60)
# How long a kept answer may leave out a newly registered document or case (never a
# change): kansli.public.changes says why the public copy may lag.
PUBLIC_NEW_SECONDS = env_int("KANSLI_PUBLIC_NEW_SECONDS", max(0, min(10, PUBLIC_CACHE_SECONDS)))
if not 0 <= PUBLIC_NEW_SECONDS <= max(0, PUBLIC_CACHE_SECONDS):
    raise ImproperlyConfigured(
        f"KANSLI_PUBLIC_NEW_SECONDS={PUBLIC_NEW_SECONDS}: expected 0 to "
        f"KANSLI_PUBLIC_CACHE_SECONDS ({PUBLIC_CACHE_SECONDS})"
    )
# The public forms (requests for documents, e-services): posts per client and form an
# hour (0: no limit), and the seconds a person needs at least to fill one in
# (kansli.web.spam).
PUBLIC_FORMS_PER_HOUR = env_int("KANSLI_PUBLIC_FORMS_PER_HOUR", 20)
PUBLIC_FORM_MIN_SECONDS = env_int("KANSLI_PUBLIC_FORM_MIN_SECONDS", 2)
# The reverse proxies whose X-Forwarded-For names the client for those limits
# (kansli.anonymous.client_address), and whose X-Forwarded-Proto gunicorn believes.
TRUSTED_PROXIES = env_addresses("KANSLI_TRUSTED_PROXIES")
# `kansli serve` (kansli/web/management/commands/serve.py): where gunicorn listens, its
# worker processes, and its control socket (empty: DATA_DIR/run/<bind>.ctl; none: off).
BIND = env("KANSLI_BIND") or bind.DEFAULT
try:
    bind.parse(BIND)
except ValueError as exc:
    raise ImproperlyConfigured(f"KANSLI_BIND={exc}") from exc
WEB_WORKERS = env_int("KANSLI_WEB_WORKERS", 2)
if WEB_WORKERS < 1:
    raise ImproperlyConfigured("KANSLI_WEB_WORKERS must be 1 or more")
CONTROL_SOCKET = env("KANSLI_CONTROL_SOCKET") or ""
# An e-förslag goes to the board when this many have signed it (kansli.eservices).
EFORSLAG_THRESHOLD = env_int("KANSLI_EFORSLAG_THRESHOLD", 100)
# Per process: the default one for the public rate limit's counts, and one of its own
# for the public pages' answers (kansli.public.pagecache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public-pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Production with several web processes and machines (README: "Redis"): with
# KANSLI_REDIS_URL the caches are Redis, shared by them all (the public e-diary's
# answers, the rate limits' counts), and the sessions are kept in the database and read
# through that cache, so they survive a restart of Redis. Short socket timeouts: with
# Redis out of reach the public e-diary computes its answers itself
# (kansli.public.pagecache) after at most a second's wait.
REDIS_URL = env("KANSLI_REDIS_URL") or ""
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "KANSLI_REDIS_URL: expected redis://host:6379/0, rediss://… or unix:///path"
    )
if REDIS_URL:
    _redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {
        "default": _redis_cache | {"KEY_PREFIX": "kansli"},
        "public-pages": _redis_cache | {"KEY_PREFIX": "kansli-public-pages"},
    }
    SESSION_ENGINE = "kansli.web.sessions"  # Django's cached_db, also with Redis down
else:
    SESSION_ENGINE = "kansli.web.dbsessions"  # Django's db, keeping SignOn on a new key

# KANSLI_TASKS=rq: background work on RQ in the same Redis instead of the database
# (kansli/web/management/commands/worker.py says why); the tasks stay django-tasks'.
TASKS_ENGINE = env("KANSLI_TASKS") or "database"
if TASKS_ENGINE not in {"database", "rq"}:
    raise ImproperlyConfigured(f"KANSLI_TASKS={TASKS_ENGINE!r}: expected database or rq")
if TASKS_ENGINE == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("KANSLI_TASKS=rq needs KANSLI_REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A job may run for an hour (a disposal run, an archive export) before RQ stops it.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    # Jobs queued with retries, a lost worker's job run again (kansli/web/rq.py).
    RQ = {"QUEUE_CLASS": "kansli.web.rq.Queue", "WORKER_CLASS": "kansli.web.rq.Worker"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}  # its queue: "default"

# Sealing approved minutes (kansli/meetings/signing.py): the municipality's key and
# certificate as PEM files; without them a self-signed demo certificate is made in
# DATA_DIR/signing.
SIGNING_KEY_FILE = env("KANSLI_SIGNING_KEY_FILE") or ""
SIGNING_CERT_FILE = env("KANSLI_SIGNING_CERT_FILE") or ""

# eark-validator's Python (kansli.archive.eark); empty: .venv-eark/bin/python in the checkout.
KANSLI_EARK_PYTHON = env("KANSLI_EARK_PYTHON") or ""

# Health and metrics (kansli.web.health, kansli.web.metrics): /health/ready fails while
# the oldest task waiting for a worker has waited longer than this; /metrics answers
# only these client addresses (kansli.anonymous.client_address) or a request bearing
# the token, anyone else a 404. The gunicorn workers' counts are added up in files in
# KANSLI_METRICS_DIR (prometheus_client's multiprocess mode, chosen by its variable
# before it is first imported); `kansli serve` gives each instance a folder of its own
# there, emptied when it starts (kansli.web.metrics.serving_metrics_dir).
READY_QUEUE_SECONDS = env_int("KANSLI_READY_QUEUE_SECONDS", 300)
if READY_QUEUE_SECONDS < 1:
    raise ImproperlyConfigured("KANSLI_READY_QUEUE_SECONDS must be 1 or more")
METRICS_ALLOWED = env_addresses("KANSLI_METRICS_ALLOWED")
METRICS_TOKEN = env("KANSLI_METRICS_TOKEN") or ""
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("KANSLI_METRICS_TOKEN must be at least 32 characters")
METRICS_DIR = Path(env("KANSLI_METRICS_DIR") or DATA_DIR / "metrics").resolve()
METRICS_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)

# KANSLI_LOG_FORMAT=json: every line one JSON object (kansli.web.logs), also gunicorn's
# under `kansli serve`.
LOG_FORMAT = env("KANSLI_LOG_FORMAT") or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"KANSLI_LOG_FORMAT={LOG_FORMAT!r}: expected text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "kansli.web.logs.JsonFormatter"}},
    "filters": {"tokens": {"()": "kansli.web.logs.HideTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tokens"]}
        | ({"formatter": "json"} if LOG_FORMAT == "json" else {}),
    },
    "root": {"handlers": ["console"], "level": env("KANSLI_LOG_LEVEL") or "WARNING"},
    # `kansli runserver`'s request lines, which have a formatter of their own otherwise.
    "loggers": (
        {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}}
        if LOG_FORMAT == "json"
        else {}
    ),
}
