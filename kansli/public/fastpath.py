"""The public e-diary's kept answers, given ahead of most of the middleware (issue 18: a
cache hit nearly as cheap as a static file).

An anonymous GET of the e-diary's search page, a case's page or their JSON
(VIEWS) is answered here, right after the metrics have started counting it and before
the security headers, sessions, language, CSRF, authentication, the second factor and
the view. What is kept is the whole answer as the rest of the middleware made it for an
equal request: a 200 with its headers (the security headers, HSTS over HTTPS, Vary,
Content-Language, Cache-Control) and its body; only the request id (X-Request-ID,
kansli.audit.middleware) is each request's own. It is kept by pagecache.ask's rules,
the two parts of the generation included, under the scheme, host and full path, the
language LocaleMiddleware chooses for the request (its cookie, Accept-Language) and the
day; the view's own answer is then not kept as well (pagecache.KEPT_WHOLE).

Anonymous: a GET without a body, without an Authorization header and without a cookie
other than the language's and the CSRF token's (which do not change these answers).
Anything else, a signed-in session's cookie above all, goes the whole way, where the
view's answer is cached as before (pagecache.cached), and nothing answered to it is
kept here. An answer that is no 200 or sets a cookie is not kept. The rate limit counts
a request once, here (ratelimit.allowed); one over it, one for a host not allowed, one
whose generation the database cannot tell (kansli.web.faults answers that) and one
while the cache is out of reach go the whole way too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, Resolver404, ResolverMatch, get_urlconf, resolve, reverse
from django.utils.translation import get_language_from_request

from kansli.audit.middleware import RequestContextMiddleware
from kansli.public import pagecache
from kansli.public.ratelimit import allowed

VIEWS = frozenset({"public:diary", "public:case", "api-v1:diary", "api-v1:case"})
KIND = "whole"
OWN_HEADERS = frozenset({"x-request-id"})  # set for each answer


class CachedAnswerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        match = anonymous_public_get(request)
        if match is None or not allowed(request)[0]:
            return self.get_response(request)
        try:
            asked = pagecache.ask(request, KIND, get_language_from_request(request))
        except (DatabaseError, DisallowedHost):  # answered the whole way, as always
            asked = None
        if asked is None:
            return self.get_response(request)
        question, kept = asked
        if kept is not None:
            request.resolver_match = match  # the metrics' view name
            headers, content = kept
            answer = HttpResponse(content, headers=headers)
            return RequestContextMiddleware(lambda _request: answer)(request)
        setattr(request, pagecache.KEPT_WHOLE, True)
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and _keepable(response):
            headers = {k: v for k, v in response.items() if k.lower() not in OWN_HEADERS}
            pagecache.keep_answer(question, (headers, response.content))
        return response


def anonymous_public_get(request: HttpRequest) -> ResolverMatch | None:
    """The URL match of an anonymous GET of one of VIEWS, or None."""
    meta = request.META
    if request.method != "GET" or meta.get("CONTENT_LENGTH", "0") not in ("", "0"):
        return None
    if "HTTP_AUTHORIZATION" in meta or not _open_cookies(request):
        return None
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    if not request.path_info.startswith(_prefixes(urlconf)):
        return None
    return _public_match(urlconf, request.path_info)


def _open_cookies(request: HttpRequest) -> bool:
    if "HTTP_COOKIE" not in request.META:
        return True
    return request.COOKIES.keys() <= {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


@functools.lru_cache(maxsize=8)
def _prefixes(urlconf: str) -> tuple[str, ...]:
    """Where VIEWS' paths begin: the e-diary's page and its JSON."""
    found = []
    for name in ("public:diary", "api-v1:diary"):
        with suppress(NoReverseMatch):  # a test's URLs without them
            found.append(reverse(name, urlconf=urlconf))
    return tuple(found)


@functools.lru_cache(maxsize=1024)
def _public_match(urlconf: str, path: str) -> ResolverMatch | None:
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return match if match.view_name in VIEWS else None


def _keepable(response: HttpResponse) -> bool:
    """A 200 that sets no cookie. A page that holds a CSRF token (its requester's secret,
    masked) always sets the token's cookie again (Django's CSRF_COOKIE_NEEDS_UPDATE), so
    it is never kept: the e-diary's pages have no form with one (public/base.html)."""
    return response.status_code == 200 and not response.cookies
