"""The production checklist: what must hold before Kansli serves a municipality. Each
problem is a system check error (kansli.E101 and on) in Swedish naming the variable to
set. `kansli check --deploy` lists them; `kansli serve`, `worker`, `remind` and
`intake` refuse to start while one is found, with KANSLI_PRODUCTION=true, and `kansli
serve` also whenever it listens on more than this machine (kansli.web.bind).

Production always means several processes: the web server's workers, `kansli worker`
beside them, and `kansli remind` and `kansli intake` run by systemd (deploy/). So
SQLite (one writer at a time, one machine) and a cache per process are refused outright,
whatever `--workers` says."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.http.request import validate_host

from kansli.cli import EX_CONFIG  # a refusal's exit status, on which systemd does not restart
from kansli.web import bind
from kansli.web.health import writable


def _debug() -> Error | None:
    if not settings.DEBUG:
        return None
    return Error(
        "Felsökningsläget är på: en felsida visar programkod, inställningar och uppgifter "
        "ur ärendena för vem som helst. Sätt KANSLI_DEBUG=false.",
        id="kansli.E101",
    )


def _secret_key() -> Error | None:
    if settings.SECRET_KEY_GIVEN:
        return None
    return Error(
        "KANSLI_SECRET_KEY är inte satt: nyckeln som signerar sessioner, länkar och kvitton "
        f"genererades i {settings.DATA_DIR / 'secret_key'}, och varje dator får en egen. "
        "Sätt KANSLI_SECRET_KEY (eller KANSLI_SECRET_KEY_FILE) till en slumpmässig nyckel "
        "på minst 32 tecken, densamma på alla datorer.",
        id="kansli.E102",
    )


def _secure_cookies() -> Error | None:
    if settings.SESSION_COOKIE_SECURE:
        return None
    return Error(
        "Kakorna skickas även över okrypterad HTTP, så en session kan avlyssnas. "
        "Sätt KANSLI_SECURE_COOKIES=true.",
        id="kansli.E103",
    )


# Mozilla's web security guidelines: at least six months, two years recommended. A
# browser that has not visited for longer than max-age may be lured onto plain HTTP.
HSTS_MINIMUM = 15_768_000


def _hsts() -> Error | None:
    seconds = settings.SECURE_HSTS_SECONDS
    if seconds >= HSTS_MINIMUM:
        return None
    if seconds == 0:
        problem = "Ingen HSTS (Strict-Transport-Security)"
    else:
        problem = f"HSTS gäller bara {seconds} sekunder (KANSLI_HSTS_SECONDS) och glöms sedan"
    return Error(
        f"{problem}: webbläsaren kan lockas att ansluta över okrypterad HTTP. "
        f"Sätt KANSLI_HSTS_SECONDS till minst {HSTS_MINIMUM} (ett halvår), t.ex. 31536000 "
        "(ett år).",
        id="kansli.E104",
    )


def _database() -> Error | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Error(
        "Databasen är SQLite: i produktion skriver flera processer (webbserverns "
        "arbetsprocesser, kansli worker, kansli remind, kansli intake) och SQLite låter "
        "bara en skriva i taget, på en enda dator. "
        "Sätt KANSLI_DATABASE_URL=postgresql://användare:lösenord@värd:5432/kansli.",
        id="kansli.E105",
    )


def _storage() -> Error | None:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return None  # KANSLI_S3_BUCKET: an object store
    root = Path(storage.location)
    try:
        writable(root)
        return None
    except OSError as exc:
        return Error(
            f"Filerna kan inte sparas: det går inte att skriva i {root} ({exc.strerror}). "
            "Sätt KANSLI_DATA_DIR till en katalog som Kansli får skriva i, eller "
            "KANSLI_S3_BUCKET (med _ENDPOINT_URL, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY) "
            "för en objektlagring.",
            id="kansli.E106",
        )


def _allowed_hosts() -> list[Error]:
    hosts = [host.lower() for host in settings.ALLOWED_HOSTS]
    if "*" in hosts:
        return [
            Error(
                "KANSLI_ALLOWED_HOSTS innehåller *: vilket värdnamn som helst godtas. "
                "Ange kommunens värdnamn i stället, t.ex. KANSLI_ALLOWED_HOSTS=kansli.kommun.se.",
                id="kansli.E111",
            )
        ]
    if all(bind.is_loopback(host) for host in hosts):
        return [
            Error(
                f"KANSLI_ALLOWED_HOSTS nämner bara den här datorn ({','.join(hosts)}): "
                "förfrågningar till kommunens adress nekas. Sätt KANSLI_ALLOWED_HOSTS till "
                "värdnamnet i KANSLI_SITE_URL, t.ex. kansli.kommun.se.",
                id="kansli.E107",
            )
        ]
    site_host = urlsplit(settings.SITE_URL).hostname or ""
    if not validate_host(site_host, settings.ALLOWED_HOSTS):
        return [
            Error(
                f"Värdnamnet i KANSLI_SITE_URL ({site_host}) finns inte i "
                "KANSLI_ALLOWED_HOSTS: länkarna i e-post skulle nekas. "
                "Lägg till det i KANSLI_ALLOWED_HOSTS.",
                id="kansli.E112",
            )
        ]
    return []


def _site_url() -> Error | None:
    if urlsplit(settings.SITE_URL).scheme == "https":
        return None
    return Error(
        f"KANSLI_SITE_URL={settings.SITE_URL} är ingen https-adress: länkarna i e-post "
        "(kallelser, leveranser, bekräftelser) går då över okrypterad HTTP. "
        "Sätt KANSLI_SITE_URL=https://kansli.kommun.se.",
        id="kansli.E108",
    )


def _shared_cache() -> Error | None:
    if settings.REDIS_URL:
        return None
    return Error(
        "KANSLI_REDIS_URL är inte satt: varje process har sin egen cache, så e-diariets "
        "sparade svar och gränserna för förfrågningar och formulär gäller bara den egna "
        "processen. Sätt KANSLI_REDIS_URL=redis://värd:6379/0.",
        id="kansli.E109",
    )


def _two_factor() -> Error | None:
    if settings.REQUIRE_TWO_FACTOR:
        return None
    return Error(
        "Tvåfaktorsinloggning är avstängd: den som kan läsa sekretessmarkerade handlingar "
        "loggar in med bara ett lösenord. Sätt KANSLI_REQUIRE_TWO_FACTOR=true.",
        id="kansli.E110",
    )


def _proxies(serve_bind: bind.Bind | None) -> Error | None:
    if serve_bind is None or serve_bind.local:
        return None
    if not all(bind.is_loopback(proxy) for proxy in settings.TRUSTED_PROXIES):
        return None
    return Error(
        f"Webbservern lyssnar på {serve_bind.address}, utanför den här datorn, men "
        "KANSLI_TRUSTED_PROXIES nämner bara den här datorn: gunicorn tror då inte på nginx:s "
        "X-Forwarded-Proto (sidorna ser HTTP och formulären nekas) och e-diariets gränser "
        "räknar nginx som en enda besökare. Sätt KANSLI_TRUSTED_PROXIES till nginx-datorns "
        "adress (eller lyssna på 127.0.0.1 med nginx på samma dator).",
        id="kansli.E113",
    )


def _mail() -> Error | None:
    if settings.EMAIL_BACKEND.endswith(".smtp.EmailBackend"):
        return None
    return Error(
        "KANSLI_SMTP_HOST är inte satt: ingen e-post skickas. Kallelser, leveranser av "
        f"handlingar och bekräftelser skrivs som filer i {settings.DATA_DIR / 'mail'}, där "
        "de varken når mottagaren eller gallras. Sätt KANSLI_SMTP_HOST till kommunens "
        "e-postserver.",
        id="kansli.E114",
    )


def _signing_key() -> Error | None:
    given = [settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE]
    if all(given) and all(Path(name).is_file() for name in given):
        return None
    return Error(
        "Justerade protokoll förseglas med ett självsignerat democertifikat i "
        f"{settings.DATA_DIR / 'signing'}, som ingen kan lita på. Sätt "
        "KANSLI_SIGNING_KEY_FILE och KANSLI_SIGNING_CERT_FILE till filerna med kommunens "
        "nyckel och certifikat (filerna måste finnas).",
        id="kansli.E115",
    )


def _random_secret_key() -> Error | None:
    # Django's own test (security.W009) says too few different characters: a key of
    # 32 "a" is as good as none, whoever guesses it signs sessions and links.
    if not settings.SECRET_KEY_GIVEN or len(set(settings.SECRET_KEY)) >= 5:
        return None
    return Error(
        "KANSLI_SECRET_KEY har för få olika tecken för att vara slumpmässig. Sätt den till "
        "en slumpmässig nyckel, t.ex. från `python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'`.",
        id="kansli.E116",
    )


def problems(serve_bind: bind.Bind | None) -> list[Error]:
    """Every problem found, in order; `serve_bind` is where `kansli serve` will listen
    (None for the other commands)."""
    found = [
        _debug(),
        _secret_key(),
        _secure_cookies(),
        _hsts(),
        _database(),
        _storage(),
        *_allowed_hosts(),
        _site_url(),
        _shared_cache(),
        _two_factor(),
        _proxies(serve_bind),
        _mail(),
        _signing_key(),
        _random_secret_key(),
    ]
    return [error for error in found if error is not None]


@register(Tags.security, deploy=True)
def production_checklist(**kwargs: Any) -> list[Error]:
    """`kansli check --deploy`, for the web server as KANSLI_BIND configures it."""
    return problems(bind.parse(settings.BIND))


def refuse_unless_ready(serve_bind: bind.Bind | None, why: str) -> None:
    """CommandError listing every problem, each on its own line, when any is found."""
    found = problems(serve_bind)
    if found:
        lines = [f"Kansli startar inte ({why}): produktionskontrollen hittade {len(found)} fel."]
        lines += [f"  {error.id}: {error.msg}" for error in found]
        lines.append("Rätta dem och kontrollera med `kansli check --deploy`.")
        raise CommandError("\n".join(lines), returncode=EX_CONFIG)


def refuse_in_production() -> None:
    """For the processes beside the web server (`kansli worker`, `remind`, `intake`):
    with KANSLI_PRODUCTION=true, they too refuse to start on a problem."""
    if settings.PRODUCTION:
        refuse_unless_ready(None, "KANSLI_PRODUCTION=true")
