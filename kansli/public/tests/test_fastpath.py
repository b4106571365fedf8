"""The public e-diary's kept answers given ahead of most of the middleware
(kansli.public.fastpath): the same answer as the whole way, headers included, only to
anonymous GETs, in the request's language, counted by the metrics and the rate limit
once, each with a request id of its own."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import timezone

from kansli.org.actions import do_create_api_token
from kansli.org.models import Role, User
from kansli.org.testing import make_authority, make_user
from kansli.public import ratelimit
from kansli.registry import actions as registry
from kansli.registry.models import Document
from kansli.registry.testing import make_case
from kansli.web.middleware import SecurityHeadersMiddleware
from kansli.web.tests.test_metrics import scrape, value

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def registrar() -> User:
    return make_user("reg", roles=[(Role.REGISTRAR, make_authority("KS"))])


@pytest.fixture
def document(registrar: User) -> Document:
    case = make_case("Bygglov för kanotbrygga", authority=registrar.roles.get().authority)
    return registry.do_register_document(
        case, "inkommen", YESTERDAY, "Ansökan om bygglov", counterpart="Vallens IF",
        actor=registrar,
    )  # fmt: skip


@pytest.fixture
def whole_way(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests that went the whole way through the middleware."""
    went: list[str] = []
    inner = SecurityHeadersMiddleware.__call__

    def counted(self: SecurityHeadersMiddleware, request: HttpRequest) -> HttpResponse:
        went.append(request.path)
        return inner(self, request)

    monkeypatch.setattr(SecurityHeadersMiddleware, "__call__", counted)
    return went


def urls(document: Document) -> list[str]:
    case = document.case
    return [
        "/diarium/",
        "/diarium/?q=bygglov&riktning=inkommen",
        f"/diarium/KS/{case.year}/{case.number}/",
        "/api/v1/public/diary?q=bygglov",
        f"/api/v1/public/diary/KS/{case.year}/{case.number}",
    ]


def headers_of(response: Any) -> dict[str, str]:
    return {name: v for name, v in response.items() if name != "X-Request-ID"}


@pytest.mark.parametrize("secure", [False, True])
def test_a_kept_answer_is_the_whole_ways_answer(
    document: Document, whole_way: list[str], settings: Any, secure: bool
) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    for number, url in enumerate(urls(document), start=1):
        first = Client().get(url, secure=secure)
        again = Client().get(url, secure=secure)
        assert whole_way == [*whole_way[: number - 1], url.partition("?")[0]]
        assert len(whole_way) == number
        assert again.status_code == first.status_code == 200
        assert again.content == first.content
        assert headers_of(again) == headers_of(first)
        assert again["Content-Security-Policy"].startswith("default-src 'self'")
        assert again["X-Content-Type-Options"] == "nosniff"
        assert again["Referrer-Policy"] == "same-origin"
        assert again["Cache-Control"] == f"public, max-age={settings.PUBLIC_NEW_SECONDS}"
        assert ("Strict-Transport-Security" in again) is secure
        ids = {first["X-Request-ID"], again["X-Request-ID"]}
        assert len(ids) == 2 and all(re.fullmatch("[0-9a-f]{32}", i) for i in ids)


def test_over_http_an_answer_kept_over_https_is_not_given(
    document: Document, whole_way: list[str], settings: Any
) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000
    assert "Strict-Transport-Security" in Client().get("/diarium/", secure=True)
    plain = Client().get("/diarium/")
    assert "Strict-Transport-Security" not in plain and len(whole_way) == 2


def test_a_signed_in_request_is_never_given_a_kept_answer_nor_kept_for_others(
    document: Document, registrar: User, whole_way: list[str]
) -> None:
    staff = Client()
    staff.force_login(registrar)
    _token, key = do_create_api_token(registrar, "Skanner", actor=registrar)
    bearer = {"Authorization": f"Bearer {key}"}
    # Asked first by the signed-in: nothing is kept for the anonymous.
    assert staff.get("/diarium/").status_code == 200
    assert Client().get("/api/v1/public/diary", headers=bearer).status_code == 200
    assert len(whole_way) == 2
    assert Client().get("/diarium/").status_code == 200
    assert Client().get("/api/v1/public/diary").status_code == 200
    assert len(whole_way) == 4
    # Kept now for the anonymous, and still not given to the signed-in.
    Client().get("/diarium/")
    Client().get("/api/v1/public/diary")
    assert len(whole_way) == 4
    staff.get("/diarium/")
    Client().get("/api/v1/public/diary", headers=bearer)
    assert len(whole_way) == 6
    # Nor to a request with a cookie the rest of the middleware might read.
    Client(HTTP_COOKIE="sessionid=x; django_language=sv").get("/diarium/")
    Client(HTTP_COOKIE="messages=x").get("/diarium/")
    assert len(whole_way) == 8


def test_the_answer_is_in_the_requests_language(
    document: Document, whole_way: list[str], settings: Any
) -> None:
    cookie = settings.LANGUAGE_COOKIE_NAME
    swedish: Callable[[], Client] = lambda: Client(HTTP_ACCEPT_LANGUAGE="sv,en;q=0.5")  # noqa: E731
    english: Callable[[], Client] = lambda: Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")  # noqa: E731
    chosen: Callable[[], Client] = lambda: Client(  # noqa: E731
        HTTP_ACCEPT_LANGUAGE="sv", HTTP_COOKIE=f"{cookie}=en"
    )
    for client, language in [(swedish, "sv"), (english, "en"), (chosen, "en"), (swedish, "sv")]:
        for url in ("/diarium/", "/api/v1/public/diary?q=x"):
            response = client().get(url)
            assert response["Content-Language"] == language
            if url == "/diarium/":
                assert f'<html lang="{language}">' in response.content.decode()
    assert len(whole_way) == 4  # once for each language and URL


def test_a_kept_answer_is_counted_in_the_metrics(document: Document, whole_way: list[str]) -> None:
    before = scrape()
    for _request in range(3):
        assert Client().get("/diarium/?q=bygglov").status_code == 200
    assert len(whole_way) == 1
    after = scrape()
    answered = "kansli_http_requests_total"
    timed = "kansli_http_request_duration_seconds_count"
    assert value(after, answered, method="GET", status="2xx") == (
        value(before, answered, method="GET", status="2xx") + 3 + 1  # and the first scrape
    )
    assert value(after, timed, view="public:diary") == value(before, timed, view="public:diary") + 3


def test_the_rate_limit_counts_a_request_once(
    document: Document, whole_way: list[str], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_030.0)  # 30 s into a minute
    settings.PUBLIC_REQUESTS_PER_MINUTE = 3
    client = Client()
    statuses = [client.get(url).status_code for url in ["/api/v1/public/diary"] * 2 + ["/diarium/"]]
    assert statuses == [200, 200, 200] and len(whole_way) == 2
    refused = client.get("/api/v1/public/diary")  # kept, but over the limit
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert client.get("/diarium/").status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.7").get("/diarium/").status_code == 200


def test_what_is_no_200_is_not_kept(document: Document, whole_way: list[str]) -> None:
    for _request in range(2):
        assert Client().get("/diarium/KS/1999/1/").status_code == 404
        assert Client().get("/api/v1/public/diary?authority=XYZ").status_code == 422
    assert len(whole_way) == 4


def test_an_answer_that_used_a_csrf_token_is_not_kept(
    document: Document, whole_way: list[str], settings: Any
) -> None:
    """Were a form with a CSRF token added to the e-diary, the first requester's token
    (their secret, masked) would not be given to all, even with their csrftoken cookie
    already set."""
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {**engine["OPTIONS"]}
    engine["OPTIONS"]["context_processors"] = [
        *engine["OPTIONS"]["context_processors"],
        f"{__name__}.csrf_token_used",
    ]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    client = Client()
    client.cookies["csrftoken"] = "a" * 32
    for _request in range(2):
        assert client.get("/diarium/").status_code == 200
    assert len(whole_way) == 2


def csrf_token_used(request: HttpRequest) -> dict[str, str]:
    """A context processor that puts the CSRF token in every page, as a form would."""
    return {"csrf_token_value": get_token(request)}


def test_a_host_not_allowed_is_refused_the_whole_way(whole_way: list[str]) -> None:
    refused = Client(HTTP_HOST="evil.example").get("/diarium/")
    assert refused.status_code == 400 and whole_way == ["/diarium/"]
    assert refused["Content-Security-Policy"].startswith("default-src 'self'")


def test_with_the_cache_off_every_request_goes_the_whole_way(
    document: Document, whole_way: list[str], settings: Any
) -> None:
    settings.PUBLIC_CACHE_SECONDS = 0
    for _request in range(2):
        assert Client().get("/diarium/").status_code == 200
    assert len(whole_way) == 2
