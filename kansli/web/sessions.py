"""Sessions kept in the database and read through the shared cache (Redis,
KANSLI_REDIS_URL) that go on working while Redis is out of reach: a session is then
read from and written to the database alone, so a Redis restart or outage signs no one
out and takes no page down.

One thing waits for Redis: ending a session (signing out, or signing in as someone
else). Its copy in Redis is deleted first; if Redis cannot be reached, the session is
not ended and the user is told to try again (503, kansli.web.faults), since a copy left
in Redis would make the session good again once Redis is back. A session that holds no
signed-in user is deleted from the database even so, and so is the old key of a session
given a new one (signing in, the second factor, a new password: cycle_key): there is
nothing in them to make good again. After the row is gone, the copy in Redis is deleted
once more, in case another process read the row meanwhile and put it back."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache
from django.db import transaction

from kansli.cacheerrors import cache_errors
from kansli.web.dbsessions import KeepsSignOn

logger = logging.getLogger(__name__)


class SessionNotEnded(Exception):
    """Redis could not be reached to delete a signed-in session's copy."""


class SessionStore(KeepsSignOn, CachedDBStore):
    # Django's own, which django-stubs does not declare.
    _cache: BaseCache
    _get_session_from_db: Callable[[], Session | None]
    _cycling = False

    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except cache_errors() as error:
            logger.warning("The sessions' cache is out of reach: %s", error)
            found = self._get_session_from_db()
            return self.decode(found.session_data) if found else {}
        if data is not None:
            return dict(data)
        found = self._get_session_from_db()
        if found is None:
            return {}
        data = self.decode(found.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=found.expire_date))
        except cache_errors() as error:
            logger.warning("The sessions' cache is out of reach: %s", error)
        return dict(data)

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if self.cache_key_prefix + session_key in self._cache:
                return True
        except cache_errors() as error:
            logger.warning("The sessions' cache is out of reach: %s", error)
        return self.model.objects.filter(session_key=session_key).exists()

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self.cache_key_prefix + session_key
        try:
            self._cache.delete(key)
        except cache_errors() as error:
            if self._signed_in(session_key) and not self._cycling:
                raise SessionNotEnded() from error
            logger.warning("The sessions' cache is out of reach: %s", error)
        super(CachedDBStore, self).delete(session_key)
        # Once more after the row is gone: a request of another process may have read
        # the row and put the session back in Redis meanwhile.
        transaction.on_commit(lambda: self._forget(key))

    def cycle_key(self) -> None:
        """A new key for the same session (signing in, the second factor, a new
        password): the old key's copy, if Redis cannot be reached to delete it, holds
        no more than the session had before, which the second factor and the password
        check still stand in front of."""
        self._cycling = True
        try:
            super().cycle_key()
        finally:
            self._cycling = False

    def _forget(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except cache_errors() as error:
            logger.error("An ended session's copy in Redis could not be deleted: %s", error)

    def _signed_in(self, session_key: str) -> bool:
        found = self.model.objects.filter(session_key=session_key).first()
        return found is not None and SESSION_KEY in self.decode(found.session_data)
