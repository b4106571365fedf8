"""A server-side cache of the public e-diary's answers. The same question gets the same
answer for everyone (no session, no user, no CSRF token on these pages), so an answer is
kept for KANSLI_PUBLIC_CACHE_SECONDS under its language, host and full path, in a cache
of its own ("public-pages": the rate limit's counts are not pushed out by pages). The
key also holds the audit chain's newest number: every change of a registration writes
an audit event in the same transaction, so a secrecy marking, a correction or a voiding
is never hidden behind a cached answer from before it. And it holds today's date: the
notice board takes a notice down when its appeal period has ended, with no event. 0
seconds turns the cache off."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from kansli.audit.chain import latest_seq

T = TypeVar("T")


def cached(
    request: HttpRequest, kind: str, answer: Callable[[], T], keep: Callable[[T], bool]
) -> T:
    """The cached answer to this request, or a new one (kept when `keep` says so)."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    if seconds <= 0:
        return answer()
    where = f"{request.get_host()}{request.get_full_path()}"
    question = f"{kind}|{get_language()}|{timezone.localdate()}|{latest_seq()}|{where}"
    key = hashlib.sha256(question.encode()).hexdigest()
    cache = caches["public-pages"]
    found = cache.get(key)
    if found is not None:
        return found
    fresh = answer()
    if keep(fresh):
        cache.set(key, fresh, timeout=seconds)
    return fresh
