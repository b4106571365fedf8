"""A server-side cache of the public e-diary's answers. The same question gets the same
answer for everyone (no session, no user, no CSRF token on these pages), so an answer is
kept for KANSLI_PUBLIC_CACHE_SECONDS under its language, host and full path, in a cache
of its own ("public-pages": the rate limit's counts are not pushed out by pages). 0
seconds turns the cache off.

The key also holds the public pages' generation, which changes with every committed
change that may change what they show, so a secrecy marking, a correction or a voiding
is never hidden behind an answer kept from before it. Every change writes an audit event
in its own transaction, and `marks` (in kansli.audit.chain.on_record) is asked about
each: it passes over what cannot touch the public pages (changes.py: signing in, the
logged reads of secret documents, surveys, drafts…), so those leave the kept answers
alone. And the key holds today's date: the notice board takes a notice down when its
appeal period has ended, with no event.

Where the generation lives depends on where the answers do:

- In the per-process cache (the embedded default: each gunicorn worker keeps its own
  answers) every process must see a change made by any other, so the generation is the
  audit chain head's `marked_seq`: the number of the newest marked event, written in
  the same statement and transaction as the chain head itself (no extra statement per
  change) and so never ahead of or behind what is committed. The price: an answer from
  the cache still costs one read of one row.
- In a shared cache (KANSLI_REDIS_URL) the generation is a random token kept there,
  replaced by each marked change once its transaction has committed (before, a page
  computed from the old rows could be kept under the new token). An answer from the
  cache then needs no database at all, not even a connection. The price: a change
  whose replacement is lost (the process killed between its commit and the
  replacement, or Redis out of reach just then) leaves the answers kept before it in
  use until they expire, at most KANSLI_PUBLIC_CACHE_SECONDS; a token lost from Redis
  (a restart, an eviction) is replaced by a new one, which passes over every kept answer.

A shared cache out of reach takes nothing down: the answer is computed as without a
cache."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from redis.exceptions import RedisError

from kansli.audit.chain import latest_marked_seq
from kansli.audit.models import AuditEvent
from kansli.public.changes import may_change_public_pages

T = TypeVar("T")
logger = logging.getLogger(__name__)
GENERATION = "generation"  # the shared cache's key of the token


def cached(
    request: HttpRequest, kind: str, answer: Callable[[], T], keep: Callable[[T], bool]
) -> T:
    """The cached answer to this request, or a new one (kept when `keep` says so)."""
    seconds = settings.PUBLIC_CACHE_SECONDS
    if seconds <= 0:
        return answer()
    cache = caches["public-pages"]
    where = f"{request.get_host()}{request.get_full_path()}"
    try:
        question = f"{kind}|{get_language()}|{timezone.localdate()}|{generation(cache)}|{where}"
        key = hashlib.sha256(question.encode()).hexdigest()
        found = cache.get(key)
    except RedisError as error:
        logger.warning("The public pages' cache is out of reach: %s", error)
        return answer()
    if found is not None:
        return found
    fresh = answer()
    if keep(fresh):
        try:
            cache.set(key, fresh, timeout=seconds)
        except RedisError as error:
            logger.warning("The public pages' cache is out of reach: %s", error)
    return fresh


def generation(cache: BaseCache) -> str:
    """The public pages' generation: the chain head's `marked_seq` for a per-process
    cache, the token in a shared one (a new token when there is none)."""
    if isinstance(cache, LocMemCache):
        return str(latest_marked_seq())
    found = cache.get(GENERATION)
    if found is None:
        cache.add(GENERATION, secrets.token_hex(8), timeout=None)
        found = cache.get(GENERATION)  # another process's, if it added one first
    return str(found)


def marks(event: AuditEvent) -> bool:
    """Whether the event may change the public pages (kansli.audit.chain.on_record).
    With a shared cache, it also has the token replaced once the change commits."""
    if not may_change_public_pages(event):
        return False
    if not isinstance(caches["public-pages"], LocMemCache):
        transaction.on_commit(renew)
    return True


def renew() -> None:
    """A new token in the shared cache: the answers kept under the old one are passed over."""
    try:
        caches["public-pages"].set(GENERATION, secrets.token_hex(8), timeout=None)
    except RedisError as error:
        logger.error("The public pages' generation was not renewed: %s", error)
