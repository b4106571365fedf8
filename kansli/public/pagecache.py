"""A server-side cache of the public e-diary's answers. The same question gets the same
answer for everyone (no session, no user, no CSRF token on these pages), so an answer is
kept for KANSLI_PUBLIC_CACHE_SECONDS under its language, scheme, host and full path, in a
cache of its own ("public-pages": the rate limit's counts are not pushed out by pages). 0
seconds turns the cache off. An anonymous GET's whole answer, headers and all, is kept
and given by kansli.public.fastpath ahead of most of the middleware; any other
request's is kept here by its view (`cached`). Both by the rules below (`ask`).

The public pages have a generation of two parts. Every change writes an audit event in
its own transaction, and `marks` (in kansli.audit.chain.on_record) is asked about each
(changes.py): it passes over what cannot touch the public pages (signing in, the logged
reads of secret documents, surveys, drafts…), so those leave the kept answers alone;
it marks a pure addition (a newly opened case, a newly registered document) as such; and
every other event as a change.

- A change (a secrecy marking, a correction, a voiding, a protected identity, a case's
  secrecy, anything not listed as an addition) renews the first part, which is kept
  with the answer and must be the current one: an answer kept from before it is never
  used again.
- An addition renews the second part, which is kept with the answer too. An answer
  whose second part is no longer the current one is still used until it is
  KANSLI_PUBLIC_NEW_SECONDS old (counted from before it was computed, so from before
  the data it was computed from was read), then computed anew. A registration committed
  after an answer was computed is therefore shown at the latest that many seconds after
  its commit; before that it may or may not be. changes.py says why this lag is lawful.
  With registrations every second this is what keeps answers for more than a second.

And the key holds today's date: the notice board takes a notice down when its appeal
period has ended, with no event.

Where the generation lives depends on where the answers do:

- In the per-process cache (the embedded default: each gunicorn worker keeps its own
  answers) every process must see a change made by any other, so the generation is the
  audit chain head's `marked_seq` and `added_seq`: the numbers of the newest changing
  and adding events, written in the same statement and transaction as the chain head
  itself (no extra statement per change) and so never ahead of or behind what is
  committed. The price: an answer from the cache still costs one read of one row.
- In a shared cache (KANSLI_REDIS_URL) each part is a random token kept there (both
  read with the answer in one round trip), replaced by each marked change once its
  transaction has committed (before, a page computed from the old rows could be kept
  under the new token). An answer from the cache then needs no database at all, not even a
  connection. The price: a change whose replacement is lost (the process killed
  between its commit and the replacement, or Redis out of reach just then) leaves the
  answers kept before it in use until they expire, at most KANSLI_PUBLIC_CACHE_SECONDS;
  a token lost from Redis (a restart, an eviction) is replaced by a new one, which
  passes over every kept answer (the second part: once they are
  KANSLI_PUBLIC_NEW_SECONDS old). The age of an answer is told by the web servers'
  clocks: kept in step (NTP), as the audit chain's times already need; a clock behind
  the others by some seconds lengthens the lag of additions by as much. Answers are
  kept under keys of their own ("kept:…"), so one kept by an earlier version of Kansli
  in another shape is never read as one of these; the first part is the token earlier
  versions renewed on every marked event.

A shared cache out of reach takes nothing down: the answer is computed as without a
cache."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from kansli.audit.chain import Mark, latest_marks
from kansli.audit.models import AuditEvent
from kansli.cacheerrors import cache_errors
from kansli.public.changes import public_mark

T = TypeVar("T")
logger = logging.getLogger(__name__)
# The shared cache's keys of the two tokens: changes, additions.
GENERATION = "generation"
ADDED = "added:generation"


# Set on a request by kansli.public.fastpath when it keeps the whole answer itself:
# `cached` then leaves the view's answer alone (each answer is kept once).
KEPT_WHOLE = "_kansli_public_kept_whole"


@dataclass(frozen=True)
class Question:
    """Where a request's answer is kept (its key), and what is kept beside the answer:
    the generation's two parts and when it was asked, before the generation and the
    rows were read."""

    key: str
    changed: str
    added: str
    asked_at: float


def ask(request: HttpRequest, kind: str, language: str) -> tuple[Question, Any] | None:
    """The request's question and the answer kept for it that may still be given (None
    when there is none); None when the cache is off or out of reach."""
    if settings.PUBLIC_CACHE_SECONDS <= 0:
        return None
    cache = caches["public-pages"]
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    asked = f"{kind}|{language}|{timezone.localdate()}|{where}"
    key = "kept:" + hashlib.sha256(asked.encode()).hexdigest()
    asked_at = time.time()  # before the generation and the rows are read
    try:
        changed, added, found = read(cache, key)
    except cache_errors() as error:
        logger.warning("The public pages' cache is out of reach: %s", error)
        return None
    question = Question(key, changed, added, asked_at)
    if found is not None:
        kept_changed, kept_added, kept_at, kept = found
        recent = kept_added == added or asked_at - kept_at < settings.PUBLIC_NEW_SECONDS
        if kept_changed == changed and recent:
            return question, kept
    return question, None


def keep_answer(question: Question, answer: object) -> None:
    """Keeps the answer to the question for KANSLI_PUBLIC_CACHE_SECONDS."""
    try:
        caches["public-pages"].set(
            question.key, (question.changed, question.added, question.asked_at, answer),
            timeout=settings.PUBLIC_CACHE_SECONDS,
        )  # fmt: skip
    except cache_errors() as error:
        logger.warning("The public pages' cache is out of reach: %s", error)


def cached(
    request: HttpRequest, kind: str, answer: Callable[[], T], keep: Callable[[T], bool]
) -> T:
    """The cached answer to this request, or a new one (kept when `keep` says so)."""
    asked = None if getattr(request, KEPT_WHOLE, False) else ask(request, kind, get_language())
    if asked is None:
        return answer()
    question, kept = asked
    if kept is not None:
        return cast(T, kept)
    fresh = answer()
    if keep(fresh):
        keep_answer(question, fresh)
    return fresh


def read(cache: BaseCache, key: str) -> tuple[str, str, Any]:
    """The public pages' generation, its changes' part and its additions' part, and what
    is kept under the key: the chain head's `marked_seq` and `added_seq` for a
    per-process cache; the tokens in a shared one (new ones where there are none), read
    with the answer in one round trip."""
    if isinstance(cache, LocMemCache):
        changed, added = latest_marks()
        return str(changed), str(added), cache.get(key)
    found = cache.get_many([GENERATION, ADDED, key])
    if GENERATION not in found or ADDED not in found:
        for name in (GENERATION, ADDED):
            cache.add(name, secrets.token_hex(8), timeout=None)
        found |= cache.get_many([GENERATION, ADDED])  # another process's, if it added first
    return str(found[GENERATION]), str(found[ADDED]), found.get(key)


def marks(event: AuditEvent) -> Mark:
    """What the event may do to the public pages (kansli.audit.chain.on_record). With
    a shared cache, it also has the token of that part replaced once the change commits."""
    mark = public_mark(event)
    if mark != Mark.NONE and not isinstance(caches["public-pages"], LocMemCache):
        part = ADDED if mark == Mark.ADDITION else GENERATION
        # Once a transaction for each part, however many events it writes (a bulk
        # import writes thousands): each renewal is a round trip to Redis.
        waiting = transaction.get_connection().run_on_commit
        if not any(_renews(function, part) for _savepoints, function, _robust in waiting):
            transaction.on_commit(partial(renew, part))
    return mark


def _renews(function: Callable[[], object], part: str) -> bool:
    return isinstance(function, partial) and function.func is renew and function.args == (part,)


def renew(part: str) -> None:
    """A new token of a part in the shared cache: the answers kept under the old one are
    passed over (a change's at once, an addition's once they are old enough)."""
    try:
        caches["public-pages"].set(part, secrets.token_hex(8), timeout=None)
    except cache_errors() as error:
        logger.error("The public pages' generation was not renewed: %s", error)
