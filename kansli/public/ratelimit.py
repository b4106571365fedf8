"""A polite limit on how often one client may ask the public e-diary (and fetch through
a delivery's download link, kansli.requests): a count per
client and minute in the cache, under a digest of the address that nobody can turn
back into it (kansli.anonymous). With the default in-process cache each server
process counts on its own, so N worker processes allow up to N times the limit; set a
shared cache (KANSLI_REDIS_URL) where that matters; with that cache out of reach
every request is let through rather than the e-diary taken down.
KANSLI_PUBLIC_REQUESTS_PER_MINUTE = 0 turns the limit off (as for a load test)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kansli.anonymous import client_digest
from kansli.cacheerrors import cache_errors

logger = logging.getLogger(__name__)
# The verdict kept on a request that has been counted.
COUNTED = "_kansli_public_counted"


def allowed(request: HttpRequest, scope: str = "diary") -> tuple[bool, int]:
    """Whether the request may be answered, and the seconds until the next minute.
    Counted once a request, however often asked (kansli.public.fastpath asks first),
    in its scope: the e-diary's pages and API, or a delivery's link ("deliver"), so
    that a requester behind the same address as busy e-diary readers still gets the
    documents released to them."""
    verdict: tuple[bool, int] | None = getattr(request, COUNTED, None)
    if verdict is None:
        verdict = _count(request, scope)
        setattr(request, COUNTED, verdict)
    return verdict


def refused(request: HttpRequest, scope: str = "diary") -> HttpResponse | None:
    """The 429 page with Retry-After for a client over the limit, or None."""
    ok, wait = allowed(request, scope)
    if ok:
        return None
    refusal = render(request, "public/too_many.html", {"wait": wait}, status=429)
    refusal["Retry-After"] = str(wait)
    return refusal


def _count(request: HttpRequest, scope: str) -> tuple[bool, int]:
    limit = settings.PUBLIC_REQUESTS_PER_MINUTE
    now = time.time()
    wait = 60 - int(now) % 60
    if limit <= 0:
        return True, wait
    key = f"kansli-public:{scope}:{client_digest(request, 'diary')}:{int(now // 60)}"
    try:
        if cache.add(key, 1, timeout=wait + 1):
            return True, wait
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=wait + 1)
            count = 1
    except cache_errors() as error:
        logger.warning("The rate limit's cache is out of reach: %s", error)
        return True, wait
    return count <= limit, wait
