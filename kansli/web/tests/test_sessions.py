"""kansli.web.sessions against a real Redis: a session ended while another process
reads it stays ended, and a session given a new key (signing in, the second factor, a
new password) gets it also while Redis is out of reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction

from kansli.subprocesses import free_port
from kansli.web.sessions import SessionNotEnded, SessionStore
from kansli.web.testing_redis import RedisServer, running_redis

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_cache(url: str) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


@pytest.fixture
def redis_sessions(settings: Any) -> Iterator[RedisServer]:
    with running_redis() as server:
        settings.CACHES = {"default": _redis_cache(server.url)}
        settings.SESSION_ENGINE = "kansli.web.sessions"
        caches.close_all()
        yield server
    caches.close_all()


def _signed_in() -> SessionStore:
    session = SessionStore()
    session["_auth_user_id"] = "1"
    session.save()
    return session


def test_a_session_read_back_into_redis_while_it_is_ended_stays_ended(
    redis_sessions: RedisServer,
) -> None:
    session = _signed_in()
    key = session.session_key
    with transaction.atomic():
        session.delete()
        # Another process reads it meanwhile (the row is still there for it, until
        # this commits) and puts its copy back in Redis.
        caches["default"].set(SessionStore.cache_key_prefix + key, {"_auth_user_id": "1"})
        assert redis_sessions.client().keys("*sessions*") != []
    assert redis_sessions.client().keys("*sessions*") == []
    assert SessionStore(key).load() == {}


def test_a_new_key_is_given_while_redis_is_out_of_reach_but_no_session_is_ended(
    settings: Any,
) -> None:
    settings.CACHES = {"default": _redis_cache(f"redis://127.0.0.1:{free_port()}/0")}
    settings.SESSION_ENGINE = "kansli.web.sessions"
    caches.close_all()
    session = _signed_in()
    old = session.session_key
    session.cycle_key()  # as at the second factor or a password change
    assert session.session_key != old
    assert list(Session.objects.values_list("session_key", flat=True)) == [session.session_key]
    assert SessionStore(session.session_key).load()["_auth_user_id"] == "1"
    with pytest.raises(SessionNotEnded):
        session.flush()  # signing out waits for Redis
    assert Session.objects.filter(session_key=session.session_key).exists()
    caches.close_all()
