"""Spam checks for the public forms (a request for documents, a medborgarförslag, a
synpunkt, an e-förslag), without third-party services and without keeping anything
that identifies the sender (kansli.anonymous):

- a honeypot: a field people do not see (hidden by the stylesheet, out of the tab
  order, hidden from screen readers) that robots fill in;
- a signed time stamp of when the form was shown: sent back sooner than a person can
  fill it in, or after it has grown old, it is refused;
- a rate limit per client and form, counted under a digest with an hourly key held in
  memory only (with the shared cache, KANSLI_REDIS_URL, out of reach: not counted).

A refusal says in Swedish what to do; the form keeps what was typed. Use it as
`{% include "web/spam_fields.html" %}` in the form with `spam_context()` in the
template's context, and `refusal(request, scope=...)` before the action runs."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from kansli.anonymous import client_digest
from kansli.cacheerrors import cache_errors

HONEYPOT = "webbadress"
STAMP = "formular_visat"
_SALT = "kansli.web.spam"
MAX_AGE_SECONDS = 4 * 3600

TOO_FAST = "Formuläret skickades för snabbt. Vänta några sekunder och skicka igen."
TOO_OLD = "Formuläret har hunnit bli för gammalt. Skicka det igen från den här sidan."
ROBOT = "Formuläret kunde inte tas emot."
TOO_MANY = "Du har skickat många formulär på kort tid. Försök igen om en stund."


def stamp(now: float | None = None) -> str:
    """The signed time the form was shown."""
    return signing.dumps(int(time.time() if now is None else now), salt=_SALT)


def spam_context() -> dict[str, str]:
    return {"spam_stamp": stamp(), "spam_honeypot": HONEYPOT, "spam_stamp_name": STAMP}


def filled_in(seconds_ago: float = 60) -> dict[str, str]:
    """The two hidden fields as a person's browser sends them (for tests and tools)."""
    return {HONEYPOT: "", STAMP: stamp(time.time() - seconds_ago)}


def refusal(request: HttpRequest, *, scope: str) -> str | None:
    """Why the posted form is refused, or None. Counts the post toward the rate limit
    only when it passes the other checks."""
    if request.POST.get(HONEYPOT, ""):
        return ROBOT
    try:
        shown = int(signing.loads(request.POST.get(STAMP, ""), salt=_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return TOO_OLD
    age = time.time() - shown
    if age > MAX_AGE_SECONDS or age < -60:
        return TOO_OLD
    if age < settings.PUBLIC_FORM_MIN_SECONDS:
        return TOO_FAST
    if not _counted(request, scope):
        return TOO_MANY
    return None


def _counted(request: HttpRequest, scope: str) -> bool:
    limit = settings.PUBLIC_FORMS_PER_HOUR
    if limit <= 0:
        return True
    hour = int(time.time() // 3600)
    key = f"kansli-form:{scope}:{client_digest(request, scope)}:{hour}"
    try:
        if cache.add(key, 1, timeout=3700):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=3700)
            count = 1
    except cache_errors():  # the shared cache out of reach: the form is not shut for it
        return True
    return count <= limit
